"""The captcha image, drawn as django-simple-captcha draws it, in grey from the start.

The library lays each letter over the whole image in colour (five 240×80 RGB composites,
then a centring copy) before the image is turned grey (en_grises). Here each
letter is pasted through its own small mask, already centred, onto one grey image; then the
library's noise and filter functions (settings) run as they do there. The letters, their
turns and the noise come from the generator seeded with the key, as in the library: one key,
one image.
"""

import functools
import random
from io import BytesIO

from captcha.conf import settings
from captcha.views import DISTANCE_FROM_TOP, add_noise, getsize
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


def png(clave: str, reto: str) -> bytes:
    """The image of challenge ``reto`` as PNG bytes: the same for the same key."""
    random.seed(clave)
    try:
        dibujo = dibujar(reto)
    finally:
        random.seed()  # the next use of the generator must not be predictable from the key
    salida = BytesIO()
    dibujo.save(salida, "PNG")
    return salida.getvalue()


# The noise and filter that settings name (CAPTCHA_NOISE_FUNCTIONS, CAPTCHA_FILTER_FUNCTIONS).
# The library's noise_dots calls draw.point 1,920 times from Python, and
# its RGB PNG is three times the bytes to compress of a grey one; together they were 70 % of
# each image (docs/performance.md). The same look, drawn in C.

_UMBRAL_DE_PUNTOS = [255 if valor < 26 else 0 for valor in range(256)]  # 10 % of the pixels


def ruido_de_puntos(draw, image):
    """The library's noise_dots (a dot on about a tenth of the pixels) in one paste. Drawn
    from the generator the library seeds with the key: one key, one image."""
    ancho, alto = image.size
    dados = random.randbytes(ancho * alto)  # noqa: S311 - noise, seeded on purpose
    azar = Image.frombytes("L", image.size, dados)
    image.paste(settings.CAPTCHA_FOREGROUND_COLOR, mask=azar.point(_UMBRAL_DE_PUNTOS))
    return draw


def en_grises(image):
    """The image is dark on white: grey levels keep all of it, in a third of the bytes.
    And zlib's fastest level: its default spent three times as long on 8 % fewer bytes.
    (The library saves with no options; Pillow keeps an image's own encoderinfo over
    save()'s defaults.)"""
    gris = image.convert("L")
    gris.encoderinfo = {"compress_level": 1}
    return gris
