"""The captcha's challenge: letters and numbers, as the seed's image shows, drawn with secrets."""

import random
import secrets

from captcha.conf import settings
from PIL import Image

# No 0/O, 1/I/L or 5/S: characters a person cannot tell apart in a distorted image.
ALFABETO = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def reto_alfanumerico() -> tuple[str, str]:
    texto = "".join(secrets.choice(ALFABETO) for _ in range(settings.CAPTCHA_LENGTH))
    return texto, texto.lower()


# Drawing the image: the library's noise_dots calls draw.point 1,920 times from Python, and
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
