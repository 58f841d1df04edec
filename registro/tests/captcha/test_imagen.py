"""The captcha image (registro/captcha/imagen.py): one image per key, every letter leaning,
the generator left unpredictable. How often an OCR reads it is bench/ataque_imagen.py's
business (docs/security.md), not a test's: it takes minutes and tesseract."""

import random
from io import BytesIO

import pytest
from captcha.models import CaptchaStore
from PIL import Image

from registro.captcha import imagen
from registro.captcha.reto import ALFABETO

pytestmark = pytest.mark.django_db


def test_la_imagen_del_captcha_es_la_misma_para_una_clave_y_otra_para_otra(client, db):
    una, otra = CaptchaStore.generate_key(), CaptchaStore.generate_key()
    imagen_ = client.get(f"/captcha/image/{una}/")
    assert imagen_["Content-Type"] == "image/png"
    assert imagen_.content == client.get(f"/captcha/image/{una}/").content
    assert imagen_.content != client.get(f"/captcha/image/{otra}/").content
    dibujo = Image.open(BytesIO(imagen_.content))
    assert dibujo.size == (240, 80) and dibujo.mode == "L"
    # Dark letters and dots on white: some dots, mostly white.
    oscuros = sum(1 for valor in dibujo.get_flattened_data() if valor < 128)
    assert 0.05 < oscuros / (240 * 80) < 0.5
    assert client.get(f"/captcha/image/{'0' * 40}/").status_code == 410  # no such challenge


def test_la_direccion_doble_de_la_biblioteca_da_la_misma_imagen(client, db):
    # The library's own "@2" view would draw its OCR-readable image of the same challenge.
    clave = CaptchaStore.generate_key()
    assert (
        client.get(f"/captcha/image/{clave}@2/").content
        == client.get(f"/captcha/image/{clave}/").content
    )


def test_el_mismo_reto_con_otra_clave_se_dibuja_distinto():
    # Letters, turns, places, wave and noise lines all come from the key.
    assert imagen.png("a" * 40, "ABCDE") == imagen.png("a" * 40, "ABCDE")
    assert imagen.png("a" * 40, "ABCDE") != imagen.png("b" * 40, "ABCDE")


def test_dibujar_no_deja_el_generador_sembrado_con_la_clave():
    # The module generator that the drawing seeds with the key, read as the next user would.
    imagen.png("a" * 40, "ABCDE")
    despues_de_una = random.random()  # noqa: S311
    imagen.png("a" * 40, "ABCDE")
    assert random.random() != despues_de_una  # noqa: S311


def test_ninguna_letra_se_dibuja_derecha():
    # OCR reads upright letters: every one leans at least GIRO_MINIMO degrees, except the
    # few whose strong turn makes them another character, which lean less or one way only.
    for caracter in ALFABETO:
        giros = imagen._giros(caracter)
        assert giros and min(abs(giro) for giro in giros) >= 10, caracter
        if caracter not in imagen.GIROS:
            assert min(abs(giro) for giro in giros) == imagen.GIRO_MINIMO
            assert max(giros) >= 30 and min(giros) <= -30
    assert max(imagen._giros("7")) < 0  # turned left a 7 reads as 1
    assert min(imagen._giros("J")) > 0  # turned right a J reads as /
