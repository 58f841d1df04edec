"""The captcha audio's voices, this deployment's own: espeak-ng's plain variants with their
formants F1–F5 moved, each by a factor drawn once from SECRET_KEY, so that no copy of the
public code speaks with them.

An attacker who read audio.py aligned the letters against espeak-ng's own variants and read
about one code in six; against voices outside its templates it read none of 30
(docs/security.md, "The audio against re-synthesis and alignment"). One factor for every
formant would be a faster or slower tape, which its templates already cover, so neighbouring
formants move in opposite directions: the shape of the spectrum changes, as between two
speakers of one sex (Peterson & Barney, 1952), while the vowels keep their places relative to
each other, which is what a listener goes by.

espeak-ng reads variants only from its data directory (voices/!v/), never from a path: each
process makes a private one of symbolic links to the installed one, with this deployment's
variants written in place of the links to espeak-ng's.
"""

import atexit
import functools
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.utils.crypto import salted_hmac

MOVIMIENTO = (0.08, 0.12)  # how far each formant moves, up or down, in parts of its frequency
# A little more irregularity of the voice's pitch and of its vibration than espeak-ng's own.
AJUSTES = "flutter 12\nroughness 4\n"
# "formant N frequency height width [...]", frequency in per cent of the language voice's.
_FORMANTE = re.compile(r"^(formant\s+([1-5])\s+)(\d+)", re.MULTILINE)


def movida(variante: str, texto: str) -> str:
    """espeak-ng's variant file ``texto`` (of variant ``variante``) as this deployment says it:
    each formant moved by a factor drawn from SECRET_KEY, the odd ones one way, the even ones
    the other."""
    # Five draws from a keyed hash, never shown: nothing to learn the generator's state from.
    azar = random.Random(salted_hmac("registro.captcha.voces", variante).digest())  # noqa: S311
    sentido = azar.choice((-1, 1))
    factores = {
        numero: 1 + sentido * (-1) ** numero * azar.uniform(*MOVIMIENTO) for numero in range(1, 6)
    }

    def mover(formante: re.Match) -> str:
        return f"{formante[1]}{round(int(formante[3]) * factores[int(formante[2])])}"

    return _FORMANTE.sub(mover, texto).rstrip("\n") + "\n" + AJUSTES


def datos_instalados(programa: str) -> Path:
    """espeak-ng's own data directory, as it says it."""
    version = subprocess.run(  # noqa: S603 - espeak-ng's path, one fixed option, no shell
        [programa, "--version"], capture_output=True, text=True, check=True, timeout=10
    ).stdout
    instalados = version.partition("Data at:")[2].strip()
    if not instalados:
        raise ValueError("espeak-ng no dice dónde están sus datos")
    return Path(instalados)


def datos(programa: str, variantes: tuple[str, ...]) -> Path:
    """This process's private data directory, for espeak-ng's --path: the installed one with
    ``variantes`` made this deployment's."""
    with _haciendo:  # two threads of one process must not make two
        return _datos_del_proceso(programa, variantes, os.getpid())  # a fork makes its own


_haciendo = threading.Lock()


@functools.cache
def _datos_del_proceso(programa: str, variantes: tuple[str, ...], pid: int) -> Path:
    instalados = datos_instalados(programa)
    raiz = Path(tempfile.mkdtemp(prefix="voces-del-captcha-"))
    try:
        propios = raiz / "espeak-ng-data"
        (propios / "voices" / "!v").mkdir(parents=True)
        for carpeta in ("", "voices", "voices/!v"):
            for entrada in (instalados / carpeta).iterdir():
                if not (propios / carpeta / entrada.name).exists():
                    (propios / carpeta / entrada.name).symlink_to(entrada)
        for variante in variantes:
            archivo = propios / "voices" / "!v" / variante
            texto = archivo.read_text(encoding="utf-8")
            archivo.unlink()
            archivo.write_text(movida(variante, texto), encoding="utf-8")
    except OSError:
        shutil.rmtree(raiz, ignore_errors=True)
        raise
    atexit.register(_borrar, raiz, pid)
    return raiz


def _borrar(raiz: Path, pid: int) -> None:
    if os.getpid() == pid:  # not a forked child leaving: its parent still uses it
        shutil.rmtree(raiz, ignore_errors=True)
