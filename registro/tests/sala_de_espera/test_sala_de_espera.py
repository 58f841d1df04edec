"""The waiting room in front of step 1 (registro/sala_de_espera/): turns, the waiting page,
admission, passes that admit one person, the operator's switch."""

import re
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from registro.models import SalaDeEspera, Usuario
from registro.sala_de_espera import admision, turnos

from ..conftest import PASO_1, PASO_2, ficha_csrf, respuesta_captcha

pytestmark = pytest.mark.django_db


@pytest.fixture
def fila(settings):
    """Everyone waits, and nobody moves on until the test admits them (admitir)."""
    settings.SALA_DE_ESPERA = "siempre"
    settings.SALA_DE_ESPERA_TASA = 0.1  # a person every 10 s: the estimates the page shows
    sala = admision.sala()
    SalaDeEspera.objects.filter(pk=1).update(admitidos=sala.emitidos, tasa_fija=0)
    admision.olvidar()
    return settings


def admitir(hasta: int) -> None:
    """Move the line on to turn ``hasta``, as the rate does over time."""
    SalaDeEspera.objects.filter(pk=1).update(admitidos=hasta)
    admision.olvidar()


def lugar(respuesta) -> int:
    return int(re.search(r'data-lugar="(\d+)"', respuesta.content.decode()).group(1))


def turno_de(cliente) -> int:
    return int(cliente.cookies[turnos.TURNO].value.split(":")[0])


def ficha(respuesta) -> str:
    return ficha_csrf(respuesta.content.decode())


def es_el_paso_1(respuesta) -> bool:
    return respuesta.status_code == 200 and 'name="curp"' in respuesta.content.decode()


def test_quien_llega_con_fila_ve_su_lugar_y_la_espera(fila, client):
    otra = Client()
    otra.get(PASO_1)  # someone arrived first

    respuesta = client.get(PASO_1)

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    assert "Registro: está en la fila" in pagina
    assert "Su lugar en la fila" in pagina
    assert lugar(respuesta) == 2
    assert 'name="curp"' not in pagina
    # No JavaScript needed: the browser itself asks again.
    assert 2 <= int(respuesta["Refresh"]) <= 30
    assert respuesta["Cache-Control"] == "no-store"
    assert turnos.TURNO in respuesta.cookies
    assert respuesta.cookies[turnos.TURNO]["httponly"]


def test_la_espera_estimada_sale_de_la_tasa(fila, client):
    fila.SALA_DE_ESPERA_TASA = 0.1
    SalaDeEspera.objects.filter(pk=1).update(tasa_fija=None)  # the server's, not the row's
    for _ in range(8):
        Client().get(PASO_1)

    respuesta = client.get(PASO_1)

    assert lugar(respuesta) == 9
    espera = int(re.search(r'data-espera="(\d+)"', respuesta.content.decode()).group(1))
    # Nine people ahead at one every ten seconds, and the reload that will find the turn come.
    assert 88 <= espera <= 93
    assert "unos 2 minutos" in respuesta.content.decode()
    assert int(respuesta["Refresh"]) in (17, 18)  # a fifth of the wait


def test_con_la_fila_detenida_no_inventa_una_espera(fila, client):
    call_command("sala_de_espera", "--tasa", "0")

    respuesta = client.get(PASO_1)

    assert "la fila está detenida un momento" in respuesta.content.decode()
    assert 'data-espera=""' in respuesta.content.decode()
    assert respuesta["Refresh"] == "10"


def test_recargar_o_abrir_otra_pestana_conserva_el_lugar(fila, client, django_assert_num_queries):
    primera = client.get(PASO_1)
    Client().get(PASO_1)  # someone arrives after
    with django_assert_num_queries(0):  # a poll asks nothing of the database
        recarga = client.get(PASO_1)
        otra_pestana = client.get(PASO_1)

    assert lugar(primera) == lugar(recarga) == lugar(otra_pestana) == 1
    assert turnos.TURNO not in recarga.cookies  # the same turn, not a new one


def test_un_turno_alterado_no_vale(fila, client):
    client.get(PASO_1)
    Client().get(PASO_1)
    propio = client.cookies[turnos.TURNO].value
    numero, firma = propio.split(":", 1)

    client.cookies[turnos.TURNO] = f"{int(numero) - 1}:{firma}"  # a better place, same signature
    respuesta = client.get(PASO_1)

    assert lugar(respuesta) == 3  # treated as a newcomer, at the end
    client.cookies[turnos.TURNO] = "1"  # unsigned
    assert lugar(client.get(PASO_1)) == 4


def test_cuando_llega_su_turno_la_misma_url_muestra_el_paso_1(fila, client, derechohabiente):
    client.get(PASO_1)
    admitir(turno_de(client))

    respuesta = client.get(PASO_1)

    assert es_el_paso_1(respuesta)
    assert turnos.PASE in respuesta.cookies
    assert respuesta.cookies[turnos.TURNO]["max-age"] == 0  # the pass replaces the turn
    busqueda = client.post(
        PASO_1, {"curp": derechohabiente.curp, "csrfmiddlewaretoken": ficha(respuesta)}
    )
    assert busqueda.status_code == 302 and busqueda["Location"] == PASO_2


def test_quien_sigue_esperando_no_entra_antes(fila, client):
    client.get(PASO_1)
    detras = Client()
    detras.get(PASO_1)
    admitir(turno_de(client))

    assert es_el_paso_1(client.get(PASO_1))
    assert lugar(detras.get(PASO_1)) == 1


def test_un_pase_copiado_no_admite_a_una_segunda_persona(fila, client, crear_derechohabiente):
    client.get(PASO_1)
    admitir(turno_de(client))
    pagina = client.get(PASO_1)
    copia = Client()
    copia.cookies[turnos.PASE] = client.cookies[turnos.PASE].value
    copia.cookies["csrftoken"] = client.cookies["csrftoken"].value

    propia = client.post(
        PASO_1, {"curp": crear_derechohabiente().curp, "csrfmiddlewaretoken": ficha(pagina)}
    )
    ajena = copia.post(
        PASO_1, {"curp": crear_derechohabiente().curp, "csrfmiddlewaretoken": ficha(pagina)}
    )

    assert propia["Location"] == PASO_2
    assert ajena.status_code == 302 and ajena["Location"] == PASO_1
    assert "registro_curp" not in copia.session
    respuesta = copia.get(PASO_1)
    assert "Ese turno ya se usó en otro navegador" in respuesta.content.decode()
    assert lugar(respuesta) == 1  # a new place, at the end of the line
    # The person it belongs to keeps using it: a second look-up of the same session.
    otra = client.post(
        PASO_1, {"curp": crear_derechohabiente().curp, "csrfmiddlewaretoken": ficha(pagina)}
    )
    assert otra["Location"] == PASO_2


def test_un_turno_copiado_antes_de_su_hora_tambien_admite_a_uno(
    fila, client, crear_derechohabiente
):
    client.get(PASO_1)
    copia = Client()
    copia.cookies[turnos.TURNO] = client.cookies[turnos.TURNO].value
    admitir(turno_de(client))
    paginas = [client.get(PASO_1), copia.get(PASO_1)]
    assert all(es_el_paso_1(p) for p in paginas)  # both shown the form…

    respuestas = [
        cliente.post(
            PASO_1,
            {"curp": crear_derechohabiente().curp, "csrfmiddlewaretoken": ficha(pagina)},
        )
        for cliente, pagina in zip((client, copia), paginas, strict=True)
    ]

    # …but only the first look-up goes ahead.
    assert [r["Location"] for r in respuestas] == [PASO_2, PASO_1]


def test_con_fila_buscar_sin_pase_devuelve_a_la_fila(fila, client, derechohabiente):
    pagina = Client().get(PASO_1)  # the line exists
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp})

    assert respuesta.status_code == 302 and respuesta["Location"] == PASO_1
    assert "registro_curp" not in client.session
    assert lugar(client.get(PASO_1)) == 2
    assert pagina.status_code == 200


def admitido_en_el_paso_2(client, derechohabiente) -> None:
    """A person who waited, was admitted and found their CURP."""
    client.get(PASO_1)
    admitir(turno_de(client))
    pagina = client.get(PASO_1)
    client.post(PASO_1, {"curp": derechohabiente.curp, "csrfmiddlewaretoken": ficha(pagina)})


def crear_usuario(client, nombre: str):
    pagina = client.get(PASO_2).content.decode()
    return client.post(
        PASO_2,
        {
            "username": nombre,
            "password1": "Clave de la fila 1",
            "password2": "Clave de la fila 1",
            "email": f"{nombre}@correo.example",
            "csrfmiddlewaretoken": ficha_csrf(pagina),
            **respuesta_captcha(pagina),
        },
    )


def test_en_el_paso_2_termina_aunque_la_fila_crezca(fila, client, derechohabiente):
    admitido_en_el_paso_2(client, derechohabiente)
    for _ in range(5):
        Client().get(PASO_1)
    del client.cookies[turnos.PASE]  # the admission's minutes are over

    respuesta = crear_usuario(client, "ana.en.fila")

    assert respuesta["Location"] == "/oficina-virtual/registro/usuario-creado/"
    assert Usuario.objects.filter(username="ana.en.fila").exists()


def test_crear_el_usuario_gasta_el_pase(fila, client, derechohabiente):
    admitido_en_el_paso_2(client, derechohabiente)

    respuesta = crear_usuario(client, "ana.un.pase")

    assert respuesta.cookies[turnos.PASE]["max-age"] == 0
    assert lugar(client.get(PASO_1)) == 1  # another registration takes another turn


def test_sin_fila_en_automatico_nadie_espera(settings, client, derechohabiente):
    settings.SALA_DE_ESPERA = "automatica"
    settings.SALA_DE_ESPERA_TASA = 50

    respuestas = [Client().get(PASO_1) for _ in range(20)]

    assert all(es_el_paso_1(r) for r in respuestas)
    assert all(turnos.PASE in r.cookies for r in respuestas)
    # A look-up straight from a form kept open since before: no line, no pass needed.
    assert client.post(PASO_1, {"curp": derechohabiente.curp})["Location"] == PASO_2


def test_en_automatico_la_fila_se_forma_cuando_llegan_mas_de_las_que_caben(settings):
    settings.SALA_DE_ESPERA = "automatica"
    settings.SALA_DE_ESPERA_TASA = 1  # a burst of 2 (two seconds of the rate), then the line

    respuestas = [Client().get(PASO_1) for _ in range(6)]

    vistas = ["paso 1" if es_el_paso_1(r) else lugar(r) for r in respuestas]
    assert vistas[:2] == ["paso 1", "paso 1"]
    assert vistas[-1] in (3, 4)  # the rate may admit one more while the test runs
    assert admision.sala().con_fila


def test_apagada_no_hay_fila_ni_galletas(fila, client, derechohabiente):
    fila.SALA_DE_ESPERA = "apagada"
    SalaDeEspera.objects.filter(pk=1).update(tasa_fija=None)

    respuesta = client.get(PASO_1)

    assert es_el_paso_1(respuesta)
    assert turnos.TURNO not in respuesta.cookies and turnos.PASE not in respuesta.cookies
    assert client.post(PASO_1, {"curp": derechohabiente.curp})["Location"] == PASO_2


def test_el_interruptor_del_operador_vale_para_todos_sin_reiniciar(fila, client, capsys):
    assert lugar(client.get(PASO_1)) == 1

    call_command("sala_de_espera", "apagada")
    assert es_el_paso_1(Client().get(PASO_1))
    assert "Sala de espera: apagada" in capsys.readouterr().out

    call_command("sala_de_espera", "siempre", "--tasa", "0")
    assert lugar(Client().get(PASO_1)) >= 1

    call_command("sala_de_espera", "como-el-entorno", "--tasa", "medida")
    sala = SalaDeEspera.objects.get()
    assert (sala.modo, sala.tasa_fija) == ("", None)
    assert admision.sala().modo == "siempre"  # SALA_DE_ESPERA of this server


def test_el_interruptor_rechaza_una_tasa_que_no_es_numero(fila):
    with pytest.raises(CommandError, match="personas por segundo"):
        call_command("sala_de_espera", "--tasa", "muchas")
    with pytest.raises(CommandError, match="negativa"):
        call_command("sala_de_espera", "--tasa", "-1")


def test_la_pagina_de_espera_en_ingles(fila, client):
    Client().get(PASO_1)
    pagina = client.get("/en" + PASO_1).content.decode()
    assert "Your place in line" in pagina
    assert "Registration: you are in line" in pagina


def test_cada_proceso_adelanta_su_lectura_a_la_tasa():
    """A process reads the line once a second; in between it moves the number on as
    PostgreSQL will, so no server lets a turn in seconds after another does."""
    hace_dos_segundos = time.monotonic() - 2
    sala = admision.Sala("automatica", 10, emitidos=20, tasa=1.5, leida=hace_dos_segundos)
    assert sala.admite(13) and not sala.admite(14)
    assert sala.lugar(16) == 3
    sin_nadie_detras = admision.Sala("siempre", 10, emitidos=11, tasa=5, leida=hace_dos_segundos)
    assert sin_nadie_detras.admite(11) and not sin_nadie_detras.admite(12)
