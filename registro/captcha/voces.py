"""Voices no one else has, for the captcha's audio: each voice of a reading is one of
espeak-ng's plain variants with its formants F1–F5 moved, each by its own factor drawn from
FORMANTES.

An attacker aligned the letters against espeak-ng's own reading of them in every variant: the
variants were few, so one of them always sounded like the served letter. Moved formants give
a voice for every letter that no template has. Between speakers of one sex the formants of one
vowel differ more than this (Peterson & Barney, 1952): it sounds like another person.

espeak-ng reads variants only from its data directory (voices/!v/), never from a path: each
process makes a private one of symbolic links to the installed one, where a reading writes its
variants and, once espeak-ng has read them, deletes them.
"""

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

FORMANTES = (0.92, 1.08)
# "formant N frequency height width [...]", frequency in per cent of the language voice's.
_FORMANTE = re.compile(r"^(formant\s+[1-5]\s+)(\d+)", re.MULTILINE)


def datos_privados(programa: str) -> Path:
    """This process's private data directory, for espeak-ng's --path."""
    with _haciendo:  # two threads of one process must not make two
        return _datos_del_proceso(programa, os.getpid())  # a forked worker makes its own


_haciendo = threading.Lock()


@functools.cache
def _datos_del_proceso(programa: str, pid: int) -> Path:
    version = subprocess.run(  # noqa: S603 - espeak-ng's path, one fixed option, no shell
        [programa, "--version"], capture_output=True, text=True, check=True, timeout=10
    ).stdout
    instalados = version.partition("Data at:")[2].strip()
    if not instalados:
        raise ValueError("espeak-ng no dice dónde están sus datos")
    raiz = Path(tempfile.mkdtemp(prefix="voces-del-captcha-"))
    try:
        propios = raiz / "espeak-ng-data"
        (propios / "voices" / "!v").mkdir(parents=True)
        for carpeta in ("", "voices", "voices/!v"):
            for entrada in (Path(instalados) / carpeta).iterdir():
                if not (propios / carpeta / entrada.name).exists():
                    (propios / carpeta / entrada.name).symlink_to(entrada)
    except OSError:
        shutil.rmtree(raiz, ignore_errors=True)
        raise
    atexit.register(_borrar, raiz, pid)
    return raiz


def _borrar(raiz: Path, pid: int) -> None:
    if os.getpid() == pid:  # not a forked child leaving: its parent still uses it
        shutil.rmtree(raiz, ignore_errors=True)


class Voces:
    """The voices of one reading, as a context manager: ``voces(variante)`` writes a copy of
    espeak-ng's variant with its formants moved (each by a factor drawn with ``azar``) and
    returns its name; leaving deletes every copy."""

    def __init__(self, programa: str, azar):
        self.carpeta = datos_privados(programa) / "espeak-ng-data" / "voices" / "!v"
        self.azar = azar
        self.archivos: list[Path] = []

    def __enter__(self):
        return self

    def __exit__(self, *_):
        for archivo in self.archivos:
            archivo.unlink(missing_ok=True)

    def __call__(self, variante: str) -> str:
        movida = _FORMANTE.sub(
            lambda f: f"{f[1]}{round(int(f[2]) * self.azar.uniform(*FORMANTES))}",
            _texto(self.carpeta / variante),
        )
        descriptor, ruta = tempfile.mkstemp(prefix="captcha", dir=self.carpeta)
        self.archivos.append(Path(ruta))
        with os.fdopen(descriptor, "w", encoding="utf-8") as archivo:
            archivo.write(movida)
        return Path(ruta).name


@functools.cache
def _texto(variante: Path) -> str:
    return variante.read_text(encoding="utf-8")
