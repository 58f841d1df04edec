"""Limits on new captcha challenges (registro/captcha/limites.py): a session that passed step
1 counts against itself alone, a client without one against its address; past either, a
Spanish wait. And "Actualizar Imagen" leaves no challenge behind."""

import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import reverse

from registro.models import Usuario

from ..conftest import CONTRASENA, PASO_1, PASO_2, respuesta_captcha

pytestmark = pytest.mark.django_db

NAT = "10.20.30.40"  # a carrier's NAT: many phones, one address
ACTUALIZAR = reverse("captcha-refresh")
POR_AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "REMOTE_ADDR": NAT}


@pytest.fixture
def limites_bajos(settings):
    settings.LIMITES_DE_CAPTCHA = {"retos_por_sesion": (5, 10), "retos_por_direccion": (8, 10)}


@pytest.fixture
def datos_de_registro():
    def datos(pagina: str) -> dict:
        return {
            "username": "ana.limite",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "email": "ana.limite@correo.example",
            **respuesta_captcha(pagina),
        }

    return datos


def en_el_paso_2(derechohabiente) -> Client:
    """Someone behind the NAT who has just found their CURP: step 1 draws no image."""
    persona = Client(REMOTE_ADDR=NAT)
    assert persona.post(PASO_1, {"curp": derechohabiente.curp}).status_code == 302
    return persona


def clave_en(html: str) -> str:
    return re.search(r'name="captcha_0" value="([0-9a-f]{40})"', html).group(1)


def test_una_sesion_pasado_su_limite_espera_y_la_pagina_lo_dice(limites_bajos, derechohabiente):
    persona = en_el_paso_2(derechohabiente)
    clave = clave_en(persona.get(PASO_2).content.decode())  # 1: the page's own image

    for _ in range(4):  # 2–5: "Actualizar Imagen"
        respuesta = persona.get(ACTUALIZAR, {"anterior": clave}, **POR_AJAX)
        assert respuesta.status_code == 200
        clave = respuesta.json()["key"]

    otra = persona.get(ACTUALIZAR, {"anterior": clave}, **POR_AJAX)
    assert otra.status_code == 429
    assert int(otra["Retry-After"]) > 0
    assert "Pidió demasiadas imágenes nuevas" in otra.json()["mensaje"]
    # The image refused leaves the one shown usable: it was not replaced.
    assert CaptchaStore.objects.filter(hashkey=clave).exists()

    pagina = persona.get(PASO_2)
    assert pagina.status_code == 429
    assert "Se pidieron demasiadas imágenes del código" in pagina.content.decode()
    assert persona.get(reverse("captcha_audio", args=[clave])).status_code == 429


def test_pasado_el_limite_lo_escrito_sigue_y_la_imagen_que_tenia_vale(
    limites_bajos, derechohabiente, datos_de_registro
):
    persona = en_el_paso_2(derechohabiente)
    pagina = persona.get(PASO_2).content.decode()
    for _ in range(4):
        persona.get(ACTUALIZAR, **POR_AJAX)  # images it never looks at

    # A wrong submission past the limit: the form again, with what was typed, and no image.
    mal = persona.post(PASO_2, {**datos_de_registro(pagina), "captcha_1": "zzzzz"})
    assert mal.status_code == 429
    assert 'value="ana.limite"' in mal.content.decode()
    assert "Pidió demasiadas imágenes nuevas" in mal.content.decode()
    assert "captcha-imagen" not in mal.content.decode()
    assert not Usuario.objects.exists()

    # With an image still unanswered, "Crear usuario" is never held back by the limit.
    otra = en_el_paso_2(derechohabiente)  # the same person, in a new session
    pagina = otra.get(PASO_2).content.decode()
    for _ in range(4):
        otra.get(ACTUALIZAR, **POR_AJAX)
    assert otra.post(PASO_2, datos_de_registro(pagina)).status_code == 302
    assert Usuario.objects.filter(username="ana.limite").exists()


def test_los_demas_detras_de_la_misma_direccion_siguen(limites_bajos, crear_derechohabiente):
    """One session past its limit holds back nobody else behind its NAT, and 20 people
    registering from it (more than the address's own limit) each get their image."""
    primera = en_el_paso_2(crear_derechohabiente(nombre="Uno"))
    for _ in range(6):
        primera.get(ACTUALIZAR, **POR_AJAX)
    assert primera.get(ACTUALIZAR, **POR_AJAX).status_code == 429

    for n in range(20):
        persona = en_el_paso_2(crear_derechohabiente(nombre=f"Persona{n}"))
        assert persona.get(PASO_2).status_code == 200
        assert persona.get(ACTUALIZAR, **POR_AJAX).status_code == 200


def test_sin_sesion_cuenta_la_direccion(limites_bajos, derechohabiente):
    """A script that drops its cookies (or makes them up) counts against its address."""
    for _ in range(8):
        assert Client().get(ACTUALIZAR, **POR_AJAX).status_code == 200
    inventada = Client()
    inventada.cookies["sessionid"] = "a" * 32
    assert inventada.get(ACTUALIZAR, **POR_AJAX).status_code == 429
    assert Client().get(ACTUALIZAR, **POR_AJAX).status_code == 429
    # Another address, and someone in the middle of registering behind this one, go on.
    assert Client().get(ACTUALIZAR, **{**POR_AJAX, "REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert en_el_paso_2(derechohabiente).get(PASO_2).status_code == 200


def test_el_paso_1_con_captcha_cuenta_sus_imagenes(settings, limites_bajos):
    """Past the look-up limits step 1 draws an image on every answer: counted too."""
    settings.LIMITES_DE_BUSQUEDA = {**settings.LIMITES_DE_BUSQUEDA, "fallos_por_direccion": (1, 10)}
    script = Client(REMOTE_ADDR=NAT)
    script.post(PASO_1, {"curp": "BOXW310820HNERXN09"})  # a miss: from now on, the captcha
    respuestas = [script.post(PASO_1, {"curp": "BOXW310820HNERXN09"}) for _ in range(9)]
    assert [r.status_code for r in respuestas] == [200] * 8 + [429]
    # Past it the form comes back with the CURP typed, no image, and when to ask for one.
    pagina = respuestas[-1].content.decode()
    assert 'value="BOXW310820HNERXN09"' in pagina
    assert "captcha-imagen" not in pagina
    assert "Pida otra en 10 minutos" in pagina


def test_actualizar_imagen_borra_la_que_reemplaza(derechohabiente):
    persona = en_el_paso_2(derechohabiente)
    vieja = clave_en(persona.get(PASO_2).content.decode())

    nueva = persona.get(ACTUALIZAR, {"anterior": vieja}, **POR_AJAX).json()["key"]

    assert not CaptchaStore.objects.filter(hashkey=vieja).exists()
    assert CaptchaStore.objects.filter(hashkey=nueva).exists()


def test_actualizar_imagen_sin_javascript_borra_la_que_reemplaza(derechohabiente):
    persona = en_el_paso_2(derechohabiente)
    vieja = clave_en(persona.get(PASO_2).content.decode())

    pagina = persona.post(
        PASO_2, {"username": "ana", "captcha_0": vieja, "actualizar_imagen": "1"}
    ).content.decode()

    assert clave_en(pagina) != vieja
    assert 'value="ana"' in pagina
    assert not CaptchaStore.objects.filter(hashkey=vieja).exists()


@pytest.mark.parametrize("anterior", ["", "zz", "\x00" * 40, "0" * 40])
def test_una_clave_anterior_que_no_existe_no_estorba(anterior):
    respuesta = Client().get(ACTUALIZAR, {"anterior": anterior}, **POR_AJAX)
    assert respuesta.status_code == 200
    assert CaptchaStore.objects.filter(hashkey=respuesta.json()["key"]).exists()


def test_solo_contar_no_aplica_el_limite(settings, limites_bajos, caplog):
    settings.LIMITES_SOLO_CONTAR = True
    estados = {Client().get(ACTUALIZAR, **POR_AJAX).status_code for _ in range(12)}
    assert estados == {200}
    assert "límite retos-por-direccion alcanzado (8 en 10 min) (solo se cuenta)" in caplog.text


def test_lo_que_no_pide_una_imagen_no_gasta_el_limite(limites_bajos, derechohabiente):
    """The refresh address answers only the page's script: a plain visit to it gets a 404
    and leaves the person's new images untouched."""
    persona = en_el_paso_2(derechohabiente)
    clave = clave_en(persona.get(PASO_2).content.decode())  # 1 of 5

    for _ in range(10):
        assert persona.get(ACTUALIZAR, {"anterior": clave}, REMOTE_ADDR=NAT).status_code == 404

    for _ in range(4):  # 2–5
        respuesta = persona.get(ACTUALIZAR, {"anterior": clave}, **POR_AJAX)
        assert respuesta.status_code == 200
        clave = respuesta.json()["key"]
