"""Limits on CURP look-ups (registro/limites.py): many people behind one address get through,
one client testing CURPs it does not own is stopped early; counted without storing a CURP
or an address."""

import logging

import pytest
from django.test import Client

from registro import limites
from registro.captcha import limites as limites_de_captcha
from registro.models import Derechohabiente, Intento
from registro.padron import sinteticos

from .conftest import PASO_1, PASO_2, respuesta_captcha

pytestmark = pytest.mark.django_db

UNA_RED = {"REMOTE_ADDR": "10.1.1.1"}  # a carrier's NAT, an office: one public address


def persona() -> Client:
    """A browser that opened step 1 (and so holds its CSRF cookie)."""
    navegador = Client()
    assert navegador.get(PASO_1).status_code == 200
    return navegador


def respondio(respuesta) -> bool:
    """Whether the page told anything about the CURP: found (on to step 2) or why not."""
    if respuesta.status_code == 302:
        return True
    return respuesta.status_code == 200 and respuesta.context["form"].resultado is not None


def pide_captcha(respuesta) -> bool:
    return respuesta.status_code == 200 and "captcha" in respuesta.context["form"].fields


def buscar_con_captcha(navegador, clave, respuesta):
    """The same look-up again, with the code of the image the page showed."""
    datos = {"curp": clave, **respuesta_captcha(respuesta.content.decode())}
    return navegador.post(PASO_1, datos, **UNA_RED)


@pytest.fixture
def curps_ajenas():
    """300 valid CURPs, about one in ten in the registry: the share of Mexicans who are
    ISSSTE derechohabientes (14 of 130 million)."""
    filas = list(sinteticos.generar(300, 7))
    Derechohabiente.objects.bulk_create(Derechohabiente(**fila) for fila in filas[::10])
    return [fila["curp"] for fila in filas]


def test_cincuenta_personas_detras_de_una_direccion_llegan_al_paso_2(crear_derechohabiente):
    for n in range(50):
        propia = crear_derechohabiente(nombre=f"Ana{n}").curp
        respuesta = persona().post(PASO_1, {"curp": propia}, **UNA_RED)
        assert (respuesta.status_code, respuesta.get("Location")) == (302, PASO_2), n


def test_quien_prueba_300_curps_ajenas_recibe_a_lo_sumo_30_respuestas(curps_ajenas):
    atacante = persona()
    respuestas = [atacante.post(PASO_1, {"curp": c}, **UNA_RED) for c in curps_ajenas]
    assert {r.status_code for r in respuestas} <= {200, 302, 429}
    assert sum(respondio(r) for r in respuestas) <= 30
    assert all(pide_captcha(r) or r.status_code == 429 for r in respuestas[-100:])


def test_sin_galletas_tampoco_pasa_de_30_respuestas(curps_ajenas):
    # A script that drops its cookies is a new client each time: its address stops it.
    respuestas = [Client().post(PASO_1, {"curp": c}, **UNA_RED) for c in curps_ajenas]
    assert {r.status_code for r in respuestas} <= {200, 302, 429}
    assert sum(respondio(r) for r in respuestas) <= 30


def test_quien_resuelve_el_captcha_espera_despues_de_tantos_fallos(curps_ajenas):
    atacante = persona()
    respuestas = []
    for clave in curps_ajenas:
        respuesta = atacante.post(PASO_1, {"curp": clave}, **UNA_RED)
        if pide_captcha(respuesta):
            respuesta = buscar_con_captcha(atacante, clave, respuesta)
        respuestas.append(respuesta)
    assert sum(respondio(r) for r in respuestas) <= 30
    esperas = [r for r in respuestas if r.status_code == 429]
    assert esperas and all(0 < int(r["Retry-After"]) <= 600 for r in esperas)
    assert "intente de nuevo en 10 minutos" in esperas[0].content.decode()


def test_despues_del_atacante_quien_busca_su_curp_pasa_con_el_captcha(
    curps_ajenas, crear_derechohabiente
):
    atacante = persona()
    for clave in curps_ajenas[:50]:
        atacante.post(PASO_1, {"curp": clave}, **UNA_RED)
    vecina, propia = persona(), crear_derechohabiente().curp

    respuesta = vecina.post(PASO_1, {"curp": propia}, **UNA_RED)
    assert pide_captcha(respuesta) and not respondio(respuesta)
    pagina = respuesta.content.decode()
    assert "Por seguridad, escriba también el código de la imagen" in pagina
    assert f'value="{propia}"' in pagina  # what was typed is kept

    respuesta = buscar_con_captcha(vecina, propia, respuesta)
    assert (respuesta.status_code, respuesta["Location"]) == (302, PASO_2)
    # Another address is not asked for the captcha.
    otra = persona().post(PASO_1, {"curp": propia}, REMOTE_ADDR="10.1.1.2")
    assert otra.status_code == 302


def test_un_captcha_equivocado_no_responde_nada(curps_ajenas, crear_derechohabiente):
    for clave in curps_ajenas[:20]:
        Client().post(PASO_1, {"curp": clave}, **UNA_RED)
    vecina, propia = persona(), crear_derechohabiente().curp
    respuesta = vecina.post(PASO_1, {"curp": propia}, **UNA_RED)
    datos = {**respuesta_captcha(respuesta.content.decode()), "captcha_1": "ZZZZZ"}
    respuesta = vecina.post(PASO_1, {"curp": propia, **datos}, **UNA_RED)
    assert pide_captcha(respuesta) and not respondio(respuesta)
    assert "El código no coincide con la imagen" in respuesta.content.decode()


def test_la_busqueda_de_curp_se_limita_por_curp(client, derechohabiente):
    for n in range(10):
        client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.2.0.{n}")
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.2.1.1")
    assert respuesta.status_code == 429


def test_un_intento_detenido_para_el_cliente_no_cuenta_contra_la_curp(
    curps_ajenas, derechohabiente
):
    # Someone stopped for their own misses cannot go on using up another person's CURP.
    atacante = persona()
    for clave in curps_ajenas:
        respuesta = atacante.post(PASO_1, {"curp": clave}, **UNA_RED)
        if pide_captcha(respuesta):
            respuesta = buscar_con_captcha(atacante, clave, respuesta)
        if respuesta.status_code == 429:
            break
    for _ in range(15):
        assert atacante.post(PASO_1, {"curp": derechohabiente.curp}, **UNA_RED).status_code == 429
    for n in range(10):
        respuesta = Client().post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.5.0.{n}")
        assert respuesta.status_code == 302
    respuesta = Client().post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.5.1.1")
    assert respuesta.status_code == 429


def test_el_limite_no_guarda_curp_ni_direcciones(client, derechohabiente):
    client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.3.3.3")
    guardado = " ".join(Intento.objects.values_list("clave", flat=True))
    assert Intento.objects.count() == 2
    assert derechohabiente.curp not in guardado and "10.3.3.3" not in guardado


def test_solo_contar_responde_todo_y_deja_constancia(curps_ajenas, settings, caplog):
    settings.LIMITES_SOLO_CONTAR = True
    caplog.set_level(logging.WARNING, logger="registro.limites")
    atacante = persona()
    respuestas = [atacante.post(PASO_1, {"curp": c}, **UNA_RED) for c in curps_ajenas[:60]]
    assert all(respondio(r) for r in respuestas)
    avisos = [r.getMessage() for r in caplog.records]
    assert any("fallos-por-direccion alcanzado" in a and "solo se cuenta" in a for a in avisos)
    assert not any(dato in a for a in avisos for dato in [*curps_ajenas, "10.1.1.1"])


def test_cada_limite_se_ajusta(curps_ajenas, settings):
    settings.LIMITES_DE_BUSQUEDA = {**settings.LIMITES_DE_BUSQUEDA, "fallos_por_direccion": (3, 5)}
    respuestas = [Client().post(PASO_1, {"curp": c}, **UNA_RED) for c in curps_ajenas[1:10]]
    assert [respondio(r) for r in respuestas] == [True] * 3 + [False] * 6
    assert limites.FALLOS_POR_DIRECCION.maximo == 3


def test_actualizar_imagen_en_el_paso_1_no_busca_ni_cuenta_como_busqueda(derechohabiente):
    # Without JavaScript "Actualizar Imagen" submits the form: a new image, the CURP kept.
    antes = set(Intento.objects.values_list("clave", flat=True))
    datos = {"curp": derechohabiente.curp, "actualizar_imagen": "1"}
    respuesta = persona().post(PASO_1, datos, **UNA_RED)
    assert pide_captcha(respuesta) and not respondio(respuesta)
    assert f'value="{derechohabiente.curp}"' in respuesta.content.decode()
    # Counted once, as a new image from its address; no look-up counted.
    nuevos = list(Intento.objects.exclude(clave__in=antes).values_list("clave", flat=True))
    direccion = UNA_RED["REMOTE_ADDR"]
    assert nuevos == [limites._clave(limites_de_captcha.POR_DIRECCION, direccion)]
