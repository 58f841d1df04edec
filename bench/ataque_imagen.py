"""The step-2 captcha image against an off-the-shelf OCR, as an attacker would try it (a
benchmark, not a test): Debian's tesseract, a few simple clean-ups, and a vote.

    .venv/bin/python bench/ataque_imagen.py -n 200

Each image is cleaned up by every pipeline in PIPELINES (threshold at a few levels, a
morphological opening that removes lines thinner than the letters' strokes, ×2 scaling, a
median filter) and read by tesseract as one line (--psm 7) and one word (--psm 8) with the
challenge's alphabet as whitelist; also without a whitelist, the characters outside the
alphabet mapped to the ones tesseract takes them for (CONFUSIONES), the rest dropped; and
letter by letter (--psm 10) after cutting the cleaned image where its columns are empty.
The attacker's answer is the most frequent reading of exactly five characters of the
alphabet (ties go to the pipeline that came first: the strongest alone). Challenges and keys
are drawn as the service draws them (reto_alfanumerico, 160-bit keys), never seen before.

Tesseract is called through its binary (no Python binding), one process per batch of
images and configuration: the pages of a multi-page TIFF on stdin, one reading per line of
stdout, pages separated by form feeds. Its model loads in half a second; a page costs
0.04-0.1 s.

From bench/: ``from ataque_imagen import tasa``; ``tasa(200)`` is (solved, drawn).
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections import Counter
from io import BytesIO
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")
os.environ.setdefault("DATABASE_URL", "postgres://sin-uso/sin-uso")  # nothing is queried
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageFilter, ImageOps  # noqa: E402

from registro.captcha.imagen import png as dibujar_png  # noqa: E402
from registro.captcha.reto import ALFABETO, reto_alfanumerico  # noqa: E402

TESSERACT = os.environ.get("TESSERACT", "tesseract")
LARGO = 5  # CAPTCHA_LENGTH, known to the attacker from any image

# What tesseract reads, without a whitelist, for characters of the alphabet: the most
# frequent truth behind each character outside it, counted on 200 images of the drawing as
# it was (a training set apart from any measured one). Lower case becomes upper case.
CONFUSIONES = str.maketrans(
    {
        "0": "D", "O": "D", "o": "D", "n": "D", "1": "7", "I": "J", "L": "V", "S": "8",
        "s": "3", "/": "J", "\\": "J", ")": "J", "]": "J", "y": "J", "&": "B", "@": "B",
        "e": "B", "€": "E", "¢": "F", "}": "Y", "%": "T", "<": "T", "r": "T", "?": "3",
        "|": "G", "a": "4", "d": "4", "i": "W", "g": "9",
    }
)  # fmt: skip


def _umbral(nivel):
    tabla = [255 if valor > nivel else 0 for valor in range(256)]
    return lambda imagen: imagen.point(tabla)


def _apertura(lado):
    """Dark strokes thinner than ``lado`` pixels go (erode the dark, then grow it back)."""
    return lambda imagen: imagen.filter(ImageFilter.MaxFilter(lado)).filter(
        ImageFilter.MinFilter(lado)
    )


def _mediana(imagen):
    return imagen.filter(ImageFilter.MedianFilter(3))


def _por_dos(imagen):
    return imagen.resize((imagen.width * 2, imagen.height * 2), Image.BICUBIC)


def _margen(imagen):
    return ImageOps.expand(imagen, 16 * imagen.width // 240, fill=255)


# Strongest first (measured alone on the first drawing; ties in the vote go to the first).
PIPELINES = {
    "umbral 110, apertura 3": (_umbral(110), _apertura(3), _margen),
    "umbral 150, apertura 3": (_umbral(150), _apertura(3), _margen),
    "umbral 90, apertura 3": (_umbral(90), _apertura(3), _margen),
    "mediana, umbral 110, apertura 3": (_mediana, _umbral(110), _apertura(3), _margen),
    "×2, umbral 150, apertura 5": (_por_dos, _umbral(150), _apertura(5), _margen),
    "×2, umbral 110, apertura 5": (_por_dos, _umbral(110), _apertura(5), _margen),
}
# (name, tesseract's page segmentation mode, whitelist or None for CONFUSIONES)
LECTURAS = (("línea", 7, ALFABETO), ("sin lista", 7, None), ("palabra", 8, ALFABETO))


def limpiar(imagen: Image.Image, pasos) -> Image.Image:
    imagen = imagen.convert("L")
    for paso in pasos:
        imagen = paso(imagen)
    return imagen


def _tesseract(paginas: list[Image.Image], psm: int, lista: str | None) -> list[str]:
    """One reading per page (spaces dropped); "" where tesseract read nothing or failed."""
    if not paginas:
        return []
    tiff = BytesIO()
    paginas[0].save(tiff, "TIFF", save_all=True, append_images=paginas[1:])
    orden = [TESSERACT, "stdin", "stdout", "--psm", str(psm)]
    if lista:
        orden += ["-c", f"tessedit_char_whitelist={lista}"]
    salida = subprocess.run(
        orden,
        input=tiff.getvalue(),
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core each: the pool parallelises
        check=False,
    )
    lecturas = salida.stdout.decode(errors="replace").split("\f")[: len(paginas)]
    if salida.returncode != 0 or len(lecturas) != len(paginas):
        # It crashes on the odd page (SIGFPE): read the batch page by page.
        if len(paginas) == 1:
            return [""]
        return [lectura for pagina in paginas for lectura in _tesseract([pagina], psm, lista)]
    return ["".join(lectura.split()) for lectura in lecturas]


def _columnas_con_tinta(imagen: Image.Image) -> list[bool]:
    # Each column's mean darkness, in C: one dark pixel in 80 still rounds to 3.
    tinta = ImageOps.invert(imagen).resize((imagen.width, 1), Image.BOX).tobytes()
    return [valor > 0 for valor in tinta]


def segmentar(imagen: Image.Image) -> list[Image.Image]:
    """The cleaned image cut into LARGO letters where its columns are empty: the smallest
    piece joined to its nearest neighbour while there are too many, the widest split at its
    palest column while there are too few."""
    columnas = _columnas_con_tinta(imagen)
    tramos, inicio = [], None
    for x, tinta in enumerate([*columnas, False]):
        if tinta and inicio is None:
            inicio = x
        elif not tinta and inicio is not None:
            if x - inicio >= 3:
                tramos.append([inicio, x])
            inicio = None
    while len(tramos) > LARGO:
        i = min(range(len(tramos)), key=lambda t: tramos[t][1] - tramos[t][0])
        if i == 0 or (
            i < len(tramos) - 1
            and tramos[i + 1][0] - tramos[i][1] < tramos[i][0] - tramos[i - 1][1]
        ):
            i += 1
        tramos[i - 1 : i + 1] = [[tramos[i - 1][0], tramos[i][1]]]
    tinta_por_columna = ImageOps.invert(imagen).resize((imagen.width, 1), Image.BOX).tobytes()
    while 0 < len(tramos) < LARGO:
        i = max(range(len(tramos)), key=lambda t: tramos[t][1] - tramos[t][0])
        a, b = tramos[i]
        if b - a < 8:
            break
        corte = min(range(a + (b - a) // 4, b - (b - a) // 4), key=tinta_por_columna.__getitem__)
        tramos[i : i + 1] = [[a, corte], [corte, b]]
    letras = []
    for a, b in tramos:
        letra = imagen.crop((a, 0, b, imagen.height))
        caja = ImageOps.invert(letra).getbbox()
        letras.append(ImageOps.expand(letra.crop(caja) if caja else letra, 12, fill=255))
    return letras


def lecturas(imagenes: list[bytes]) -> list[list[tuple[str, str]]]:
    """Every reading of every image: per image, (pipeline and reading, text read) pairs in
    the order the vote breaks ties in. A few tesseract processes for the whole batch."""
    abiertas = [Image.open(BytesIO(imagen)) for imagen in imagenes]
    limpias = {
        nombre: [limpiar(imagen, pasos) for imagen in abiertas]
        for nombre, pasos in PIPELINES.items()
    }
    resultado = [[] for _ in imagenes]
    for lectura, psm, lista in LECTURAS:
        for nombre, paginas in limpias.items():
            textos = _tesseract(paginas, psm, lista)
            for propias, texto in zip(resultado, textos, strict=True):
                if lista is None:  # mapped, and the quotes and commas it adds dropped
                    texto = "".join(
                        c for c in texto.translate(CONFUSIONES).upper() if c in ALFABETO
                    )
                propias.append((f"{nombre}; {lectura}", texto))
    # Letter by letter, on the first pipeline's cleaning.
    letras = [segmentar(imagen) for imagen in next(iter(limpias.values()))]
    textos = iter(_tesseract([letra for grupo in letras for letra in grupo], 10, ALFABETO))
    for propias, grupo in zip(resultado, letras, strict=True):
        propias.append(("letra por letra", "".join(next(textos)[:1] for _ in grupo)))
    return resultado


def valida(texto: str) -> bool:
    return len(texto) == LARGO and all(caracter in ALFABETO for caracter in texto)


def votar(propias: list[tuple[str, str]]) -> str:
    """The most frequent valid reading; ties to the first read (Counter keeps that order)."""
    votos = Counter(texto for _, texto in propias if valida(texto))
    return votos.most_common(1)[0][0] if votos else ""


def resolver(png: bytes) -> str:
    """The attacker's best guess at one image ("" when nothing read looks like an answer)."""
    return votar(lecturas([png])[0])


def _atacar(retos: list[tuple[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    todas = lecturas([dibujar_png(clave, texto) for texto, clave in retos])
    return [(texto, propias) for (texto, _), propias in zip(retos, todas, strict=True)]


def medir(n: int, procesos: int | None = None, lote: int = 25):
    """n fresh challenges, each drawn from a new key and attacked: [(truth, readings)]."""
    retos = [(reto_alfanumerico()[0], secrets.token_hex(20)) for _ in range(n)]
    lotes = [retos[i : i + lote] for i in range(0, n, lote)]
    with Pool(procesos or os.cpu_count()) as pool:
        return [par for resultado in pool.imap(_atacar, lotes) for par in resultado]


def tasa(n: int = 200, procesos: int | None = None) -> tuple[int, int]:
    """(solved, drawn) over n fresh challenges."""
    medidas = medir(n, procesos)
    return sum(votar(propias) == texto for texto, propias in medidas), len(medidas)


def main():
    argumentos = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    argumentos.add_argument("-n", type=int, default=200, help="imágenes (200)")
    argumentos.add_argument("-j", type=int, default=None, help="procesos (uno por núcleo)")
    argumentos.add_argument(
        "--detalle", action="store_true", help="cada lectura por separado y ejemplos"
    )
    opciones = argumentos.parse_args()
    version = subprocess.run(
        [TESSERACT, "--version"], capture_output=True, text=True, check=True
    ).stdout.split("\n")[0]
    inicio = time.monotonic()
    medidas = medir(opciones.n, opciones.j)
    segundos = time.monotonic() - inicio
    total = len(medidas)
    resueltas = sum(votar(propias) == texto for texto, propias in medidas)
    if opciones.detalle:
        print("| lectura | resueltas | respuestas de 5 válidas |")
        print("|---|---:|---:|")
        for i, (nombre, _) in enumerate(medidas[0][1]):
            bien = sum(propias[i][1] == texto for texto, propias in medidas)
            validas = sum(valida(propias[i][1]) for _, propias in medidas)
            print(f"| {nombre} | {bien} | {validas} |")
        alguna = sum(any(t == texto for _, t in propias) for texto, propias in medidas)
        print(f"\nAlguna lectura acierta: {alguna}/{total}")
        for texto, propias in medidas[:10]:
            print(texto, "→", votar(propias) or "—", " ".join(t or "·" for _, t in propias))
        print()
    print(
        f"{version}, {len(PIPELINES)} limpiezas × {len(LECTURAS)} lecturas + letra por letra, "
        f"voto: {resueltas}/{total} imágenes resueltas = {100 * resueltas / total:.1f} % "
        f"({segundos:.0f} s)"
    )


if __name__ == "__main__":
    main()
