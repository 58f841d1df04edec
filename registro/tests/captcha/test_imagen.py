"""The captcha image (registro/captcha/imagen.py): one image per key, drawn as the library
draws it."""

import random
from io import BytesIO

import pytest
from captcha import views as vistas_de_captcha
from captcha.models import CaptchaStore
from PIL import Image, ImageChops

pytestmark = pytest.mark.django_db


def test_la_imagen_del_captcha_es_la_misma_para_una_clave_y_otra_para_otra(client, db):
    una, otra = CaptchaStore.generate_key(), CaptchaStore.generate_key()
    imagen = client.get(f"/captcha/image/{una}/")
    assert imagen["Content-Type"] == "image/png"
    assert imagen.content == client.get(f"/captcha/image/{una}/").content
    assert imagen.content != client.get(f"/captcha/image/{otra}/").content
    dibujo = Image.open(BytesIO(imagen.content))
    assert dibujo.size == (240, 80) and dibujo.mode == "L"
    # Dark letters and dots on white: some dots, mostly white.
    oscuros = sum(1 for valor in dibujo.convert("L").get_flattened_data() if valor < 128)
    assert 0.05 < oscuros / (240 * 80) < 0.5


def test_la_imagen_del_captcha_se_ve_como_la_que_dibuja_la_biblioteca(client, db):
    # Drawn in grey from the start (registro.captcha.imagen), not in colour then greyed.
    clave = CaptchaStore.generate_key()
    nuestra = Image.open(BytesIO(client.get(f"/captcha/image/{clave}/").content))
    random.seed(clave)
    try:
        reto = CaptchaStore.objects.get(hashkey=clave)
        de_la_biblioteca = vistas_de_captcha._captcha_image(reto, 1).content
    finally:
        random.seed()
    diferencia = ImageChops.difference(nuestra, Image.open(BytesIO(de_la_biblioteca)))
    assert diferencia.getextrema()[1] <= 1  # at most one grey level apart, pixel by pixel
    assert client.get(f"/captcha/image/{'0' * 40}/").status_code == 410  # no such challenge
