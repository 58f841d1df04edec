"""The captcha image, in grey, drawn to be read by people and not by an off-the-shelf OCR.

django-simple-captcha's drawing (each letter turned and set beside the next with a gap,
three noise lines in the same place on every image, dots) was solved by Debian's tesseract
after a few simple clean-ups one time in seven (bench/ataque_imagen.py; docs/security.md,
"The captcha against an off-the-shelf OCR"). What that attack relied on is taken away here,
not what a person reads:

- every letter leans, at least GIRO_MINIMO degrees one way or the other: tesseract reads
  upright letters and reads leaning ones badly, people read both;
- the letters touch their neighbours a little (SOLAPE), at sizes and heights of their own,
  so no empty column separates them and no straight baseline runs under them;
- a gentle wave bends the whole image;
- the library's thin lines are drawn somewhere else on each image (the library's are in the
  same place on all of them: an attacker would subtract them once); its dots stay.

Each letter is turned whole: the library turns it inside a box its own height and cuts off
what sticks out (a turned V read as a tick, a 7 as a 1). The few characters that a strong
turn makes into another (GIROS) turn less, or one way only. The letters, their sizes, turns
and places, the wave and the noise all come from the generator seeded with the key: one
key, one image.
"""

import functools
import itertools
import math
import random
from io import BytesIO

from captcha.conf import settings
from captcha.views import add_noise
from PIL import Image, ImageDraw, ImageFont

GIRO_MINIMO = 20  # degrees, either way; at most CAPTCHA_LETTER_ROTATION's
# Characters a strong turn makes into another keep other turns (degrees, counter-clockwise
# positive, as CAPTCHA_LETTER_ROTATION): a 7 turned left reads as 1 and turned far right as
# >; a J turned right reads as / (and far left too); Z and N turned far read as each other,
# X as +, V as a tick.
GIROS = {
    "7": range(-18, -9),
    "J": range(10, 19),
    "Z": (*range(-21, -14), *range(15, 22)),
    "N": (*range(-21, -14), *range(15, 22)),
    "X": (*range(-21, -14), *range(15, 22)),
    "V": (*range(-26, -17), *range(18, 27)),
}
TAMANOS = (0.9, 1.05)  # each letter's size, as a share of CAPTCHA_FONT_SIZE
SOLAPE = (1, 5)  # pixels of its neighbour's box each letter covers
ALTURA = 5  # pixels each letter may sit above or below the middle
# The wave: pixels up and down along the image, pixels per period; the same sideways.
ONDA_VERTICAL, PERIODO_VERTICAL = (2.0, 4.0), (120, 200)
ONDA_HORIZONTAL, PERIODO_HORIZONTAL = (1.0, 2.0), (60, 90)
MALLA = (24, 20)  # the wave is applied as a mesh of 24×20-pixel cells
MARGEN = 4  # pixels kept free at each side


@functools.cache
def _giros(caracter: str) -> tuple[int, ...]:
    if caracter in GIROS:
        return tuple(GIROS[caracter])
    desde, hasta = settings.CAPTCHA_LETTER_ROTATION
    return tuple(giro for giro in range(desde, hasta) if abs(giro) >= GIRO_MINIMO) or tuple(
        range(desde, hasta)
    )


def _azar(intervalo: tuple[float, float]) -> float:
    return random.uniform(*intervalo)  # noqa: S311 - seeded with the key on purpose


@functools.cache
def _derecha(caracter: str, tamano: int) -> Image.Image:
    """One character upright as a mask (white on black), with room to turn. Kept: 29
    characters at a handful of sizes."""
    fuente = ImageFont.truetype(settings.CAPTCHA_FONT_PATH, tamano)
    izquierda, arriba, derecha, abajo = fuente.getbbox(caracter)
    mascara = Image.new("L", (derecha - izquierda + 4, abajo - arriba + 4), 0)
    ImageDraw.Draw(mascara).text((2 - izquierda, 2 - arriba), caracter, font=fuente, fill=255)
    return mascara


def _letra(caracter: str) -> Image.Image:
    """One character as a mask, at a size of its own, turned whole."""
    mascara = _derecha(caracter, round(settings.CAPTCHA_FONT_SIZE * _azar(TAMANOS)))
    if settings.CAPTCHA_LETTER_ROTATION:
        giro = random.choice(_giros(caracter))  # noqa: S311 - seeded
        mascara = mascara.rotate(giro, expand=True, resample=Image.BICUBIC)
    return mascara.crop(mascara.getbbox())


def _onda(imagen: Image.Image) -> Image.Image:
    """The image bent by two sine waves: up and down along it, a little sideways across.
    Pillow applies a mesh one cell at a time from Python; 40 cells follow waves of 60 pixels
    and more closely enough (it was 4 ms an image with 8-pixel cells)."""
    ancho, alto = imagen.size
    a, la, fa = _azar(ONDA_VERTICAL), _azar(PERIODO_VERTICAL), _azar((0, 2 * math.pi))
    b, lb, fb = _azar(ONDA_HORIZONTAL), _azar(PERIODO_HORIZONTAL), _azar((0, 2 * math.pi))
    paso_x, paso_y = MALLA
    xs, ys = range(0, ancho + paso_x, paso_x), range(0, alto + paso_y, paso_y)
    arriba = {x: a * math.sin(2 * math.pi * x / la + fa) for x in xs}  # depends on x only
    al_lado = {y: b * math.sin(2 * math.pi * y / lb + fb) for y in ys}  # on y only

    def origen(x, y):
        return x + al_lado[y], y + arriba[x]

    malla = [
        ((x0, y0, x1, y1), (*origen(x0, y0), *origen(x0, y1), *origen(x1, y1), *origen(x1, y0)))
        for x0, x1 in itertools.pairwise(xs)
        for y0, y1 in itertools.pairwise(ys)
    ]
    return imagen.transform(
        imagen.size,
        Image.MESH,
        malla,
        resample=Image.BILINEAR,
        fillcolor=settings.CAPTCHA_BACKGROUND_COLOR,
    )


def dibujar(reto: str) -> Image.Image:
    ancho, alto = settings.CAPTCHA_IMAGE_SIZE
    letras = [_letra(caracter) for caracter in reto]
    avances = [letra.width - round(_azar(SOLAPE)) for letra in letras[:-1]]
    sobra = sum(avances) + letras[-1].width - (ancho - 2 * MARGEN)
    if sobra > 0:  # wide letters: closer together rather than cut off
        avances = [avance - math.ceil(sobra / len(avances)) for avance in avances]
    x = (ancho - sum(avances) - letras[-1].width) // 2
    imagen = Image.new("L", (ancho, alto), settings.CAPTCHA_BACKGROUND_COLOR)
    for indice, letra in enumerate(letras):
        arriba = (alto - letra.height) // 2
        holgura = min(ALTURA, max(0, arriba - MARGEN))
        y = arriba + random.randint(-holgura, holgura)  # noqa: S311 - seeded
        imagen.paste(settings.get_letter_color(indice, reto), (x, y), mask=letra)
        x += avances[indice] if indice < len(avances) else 0
    return add_noise(_onda(imagen))


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


def ruido_de_arcos(draw, image):
    """The library's noise_arcs (an arc and two lines, one pixel wide), placed anew on each
    image from the seeded generator: the library's are in the same place on all of them."""
    ancho, alto = image.size
    color = settings.CAPTCHA_FOREGROUND_COLOR
    arriba = _azar((-alto, alto * 0.2))
    caja = [_azar((-40, 0)), arriba, ancho + _azar((0, 40)), arriba + _azar((alto * 0.6, alto))]
    draw.arc(caja, _azar((150, 200)), _azar((300, 390)), fill=color)
    for _ in range(2):
        draw.line([-20, _azar((0, alto)), ancho + 20, _azar((0, alto))], fill=color)
    return draw


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
