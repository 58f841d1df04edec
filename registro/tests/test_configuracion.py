"""Configuration comes from the environment and fails loudly when it is missing."""

import os
import subprocess
import sys

from django.conf import settings
from django.db import connections

CARGAR_SETTINGS = "import django; django.setup(); print('cargado')"


def arrancar(**entorno) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", CARGAR_SETTINGS],
        env={**base, "DJANGO_SETTINGS_MODULE": "oficina_virtual.settings", **entorno},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sin_debug_exige_secret_key():
    resultado = arrancar(DEBUG="0")
    assert resultado.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in resultado.stderr


def test_con_secret_key_y_sin_debug_arranca():
    resultado = arrancar(DEBUG="0", SECRET_KEY="x" * 50)
    assert resultado.returncode == 0, resultado.stderr
    assert "cargado" in resultado.stdout


def test_sin_database_url_dice_que_hacer():
    resultado = arrancar(DEBUG="1", DATABASE_URL="")
    assert resultado.returncode != 0
    assert "DATABASE_URL is not set" in resultado.stderr


def test_la_base_de_datos_es_postgresql_con_conexiones_persistentes():
    base = settings.DATABASES["default"]
    assert connections["default"].vendor == "postgresql"
    assert base["CONN_MAX_AGE"] > 0
    assert base["CONN_HEALTH_CHECKS"] is True


def test_idioma_y_zona_horaria_de_mexico():
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
