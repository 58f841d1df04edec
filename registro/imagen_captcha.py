"""The captcha image, drawn as django-simple-captcha draws it, in grey from the start.

The library lays each letter over the whole image in colour (five 240×80 RGB composites,
then a centring copy) before the image is turned grey (reto_captcha.en_grises). Here each
letter is pasted through its own small mask, already centred, onto one grey image; then the
library's noise and filter functions (settings) run as they do there. The letters, their
turns and the noise come from the generator seeded with the key, as in the library: one key,
one image.
"""

import functools
import random
from io import BytesIO

from captcha.conf import settings
from captcha.models import CaptchaStore
from captcha.views import DISTANCE_FROM_TOP, add_noise, getsize
from django.http import HttpResponse
from django.views.decorators.http import require_GET
from PIL import Image, ImageDraw, ImageFont


@functools.cache
def _fuente() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(settings.CAPTCHA_FONT_PATH, settings.CAPTCHA_FONT_SIZE)


def _letra(caracter: str) -> Image.Image:
    """One character as a mask (white on black), turned and cropped as the library does."""
    fuente, texto = _fuente(), f" {caracter} "
    mascara = Image.new("L", getsize(fuente, texto), 0)
    ImageDraw.Draw(mascara).text((0, 0), texto, font=fuente, fill=255)
    if settings.CAPTCHA_LETTER_ROTATION:
        giro = random.randrange(*settings.CAPTCHA_LETTER_ROTATION)  # noqa: S311 - seeded
        mascara = mascara.rotate(giro, expand=0, resample=Image.BICUBIC)
    return mascara.crop(mascara.getbbox())


def dibujar(reto: str) -> Image.Image:
    ancho, alto = settings.CAPTCHA_IMAGE_SIZE
    letras = [_letra(caracter) for caracter in reto]
    # The library centres the row of letters by the height of the last one.
    largo = sum(2 + letra.width for letra in letras) + 2
    x = 2 + int((ancho - largo) / 2)
    y = DISTANCE_FROM_TOP + int((alto - letras[-1].height) / 2 - DISTANCE_FROM_TOP)
    imagen = Image.new("L", (ancho, alto), settings.CAPTCHA_BACKGROUND_COLOR)
    for indice, letra in enumerate(letras):
        imagen.paste(settings.get_letter_color(indice, reto), (x, y), mask=letra)
        x += 2 + letra.width
    return add_noise(imagen)


@require_GET
def imagen(request, clave: str):
    reto = CaptchaStore.objects.filter(hashkey=clave).values_list("challenge", flat=True).first()
    if reto is None:
        return HttpResponse(status=410)  # as the library: gone, not to be indexed
    random.seed(clave)
    try:
        dibujo = dibujar(reto)
    finally:
        random.seed()  # the next use of the generator must not be predictable from the key
    salida = BytesIO()
    dibujo.save(salida, "PNG")
    return HttpResponse(salida.getvalue(), content_type="image/png")
