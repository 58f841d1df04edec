"""The project's configuration (oficina_virtual/settings.py): read from the environment and
failing loudly when something is missing; production settings that pass check --deploy and
send the security headers; pages that a strict CSP can serve; no personal data in the logs."""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from .conftest import CONTRASENA, INGRESAR, PASO_1, PASO_2, respuesta_captcha

pytestmark = pytest.mark.django_db


# From the environment


CARGAR_SETTINGS = "import django; django.setup(); print('cargado')"


def arrancar(codigo=CARGAR_SETTINGS, **entorno) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", codigo],
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


def test_los_limites_de_busqueda_se_leen_del_entorno():
    leer = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.LIMITES_DE_BUSQUEDA, settings.LIMITES_SOLO_CONTAR)"
    )
    resultado = arrancar(
        leer, DEBUG="1", LIMITE_FALLOS_POR_DIRECCION="3/5", LIMITES_SOLO_CONTAR="1"
    )
    assert resultado.returncode == 0, resultado.stderr
    assert "'fallos_por_direccion': (3, 5)" in resultado.stdout
    assert "'por_curp': (10, 10)" in resultado.stdout and "True" in resultado.stdout
    for malo in ("diez", "10", "0/10", "10/0"):
        resultado = arrancar(DEBUG="1", LIMITE_BUSQUEDAS_POR_CURP=malo)
        assert resultado.returncode != 0
        assert "LIMITE_BUSQUEDAS_POR_CURP:" in resultado.stderr, malo


def test_la_sala_de_espera_y_los_hashes_se_leen_del_entorno():
    leer = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SALA_DE_ESPERA, s.SALA_DE_ESPERA_TASA, s.SALA_DE_ESPERA_ADMISION, "
        "s.HASHES_SIMULTANEOS, s.HASH_ESPERA_MAXIMA)"
    )
    resultado = arrancar(
        leer,
        DEBUG="1",
        SALA_DE_ESPERA="siempre",
        SALA_DE_ESPERA_TASA="12.5",
        SALA_DE_ESPERA_ADMISION="15",
        HASHES_SIMULTANEOS="3",
        HASH_ESPERA_MAXIMA="1.5",
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == ["siempre", "12.5", "15", "3", "1.5"]
    for variable, malo in [
        ("SALA_DE_ESPERA", "a veces"),
        ("SALA_DE_ESPERA_FRACCION", "1.5"),
        ("SALA_DE_ESPERA_ADMISION", "0"),
        ("HASHES_SIMULTANEOS", "0"),
    ]:
        resultado = arrancar(DEBUG="1", **{variable: malo})
        assert resultado.returncode != 0
        assert f"{variable}" in resultado.stderr and "ImproperlyConfigured" in resultado.stderr


def test_la_base_de_datos_es_postgresql_con_conexiones_persistentes():
    base = settings.DATABASES["default"]
    assert connections["default"].vendor == "postgresql"
    assert base["CONN_MAX_AGE"] > 0
    assert base["CONN_HEALTH_CHECKS"] is True


def test_idioma_y_zona_horaria_de_mexico():
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"
    assert settings.PASSWORD_HASHERS[0] == "registro.hashes.Argon2Limitado"


# Production settings


def entorno_de_produccion() -> dict:
    fuera = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the latter is only for the browser tests
    entorno = {k: v for k, v in os.environ.items() if k not in fuera}
    return {
        **entorno,
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60 + "produccion-de-prueba-con-suficiente-entropia",
        "ALLOWED_HOSTS": "oficinavirtual.example",
        "DJANGO_SETTINGS_MODULE": "oficina_virtual.settings",
    }


def test_check_deploy_no_reporta_nada():
    resultado = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=entorno_de_produccion(),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "no issues" in resultado.stdout


ENCABEZADOS = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
respuesta = Client(HTTP_HOST="oficinavirtual.example").get("/", secure=True)
for nombre in ("Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
               "Referrer-Policy", "X-Content-Type-Options"):
    print(nombre + ": " + respuesta.headers.get(nombre, "(falta)"))
print("status:", respuesta.status_code)
print("inseguro:", Client(HTTP_HOST="oficinavirtual.example").get("/").status_code)
"""


def test_los_encabezados_de_seguridad_en_produccion(estaticos_de_produccion):
    salida = subprocess.run(
        [sys.executable, "-c", ENCABEZADOS],
        env={**entorno_de_produccion(), "ALLOWED_HOSTS": "oficinavirtual.example,testserver"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    texto = salida.stdout + salida.stderr
    assert "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload" in texto
    assert "script-src 'self'" in texto and "unsafe-inline" not in texto
    assert "frame-ancestors 'none'" in texto
    assert "X-Frame-Options: DENY" in texto
    assert "Referrer-Policy: same-origin" in texto
    assert "X-Content-Type-Options: nosniff" in texto
    assert "status: 200" in texto
    assert "inseguro: 301" in texto  # plain HTTP is sent to HTTPS


def test_cookies_y_sesiones(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE == 3600


def test_ninguna_pagina_lleva_estilos_ni_scripts_en_linea(client):
    for url in ("/", reverse("portal:oficina"), PASO_1, INGRESAR):
        pagina = client.get(url).content.decode()
        assert " style=" not in pagina
        assert "<script>" not in pagina and "onclick" not in pagina


# No personal data in logs


def test_el_registro_no_escribe_datos_personales_en_las_bitacoras(client, derechohabiente, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(PASO_1, {"curp": derechohabiente.curp})
    pagina = client.get(PASO_2).content.decode()
    client.post(
        PASO_2,
        {
            "username": "bitacora",
            "password1": CONTRASENA,
            "password2": "otra distinta",
            "email": "bitacora@correo.example",
            **respuesta_captcha(pagina),
        },
    )
    client.post(INGRESAR, {"username": "bitacora", "password": CONTRASENA})
    texto = "\n".join(r.getMessage() for r in caplog.records)
    for dato in (derechohabiente.curp, CONTRASENA, "bitacora@correo.example"):
        assert dato not in texto
