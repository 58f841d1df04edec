"""Both attacks on the captcha as a bot would run them (a benchmark, not a test; issue 20),
so that a later change to the drawing or to the voice is measured the same way:

- the image against Debian's tesseract with simple clean-ups (bench/ataque_imagen.py);
- the audio against re-synthesis with espeak-ng, byte search and alignment
  (bench/ataque_audio.py), beside the same attacks on the old fixed reading, the control
  that shows they work; and how intelligible the current reading stays (STOI).

    make bench-captcha                      # N_IMAGENES=200 N_AUDIOS=30
    N_IMAGENES=500 make bench-captcha

Figures and what they mean: docs/security.md, "The captcha against bots".
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ataque_audio  # noqa: E402 - after the path that finds it
import ataque_imagen  # noqa: E402


def linea(que: str, resueltos: int, total: int, segundos: float) -> str:
    return f"| {que} | {resueltos}/{total} | {100 * resueltos / total:.1f} % | {segundos:.0f} s |"


def main() -> None:
    n_imagenes = int(os.environ.get("N_IMAGENES", "200"))
    n_audios = int(os.environ.get("N_AUDIOS", "30"))
    print("| ataque | resueltos | tasa | tiempo |")
    print("|---|---:|---:|---:|")
    inicio = time.perf_counter()
    resueltas, total = ataque_imagen.tasa(n_imagenes)
    print(linea("imagen: tesseract", resueltas, total, time.perf_counter() - inicio), flush=True)
    for generador in ("actual", "anterior"):
        inicio = time.perf_counter()
        medidas = ataque_audio.medir(n_audios, generador)
        segundos = time.perf_counter() - inicio
        for ataque, (resueltos, total, _) in medidas.items():
            que = f"audio {generador}: {ataque}"
            print(linea(que, resueltos, total, segundos), flush=True)
    # What the murmur leaves of the letters, for people: the other side of the audio's figures.
    claridad = ataque_audio.claridad(n_audios)
    print(f"\nSTOI media de {n_audios} lecturas actuales: {claridad:.3f}")


if __name__ == "__main__":
    main()
