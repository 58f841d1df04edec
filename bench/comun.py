"""What the benchmarks share: a database of their own, new for each run; production
settings for their servers; reading a form."""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
import psycopg2


def base_de_datos_propia(sufijo: str) -> str:
    """Drop and create <DATABASE_URL's name>_<sufijo> on the same server; its URL."""
    base = dj_database_url.parse(os.environ["DATABASE_URL"])
    nombre = f"{base['NAME']}_{sufijo}"
    admin = psycopg2.connect(
        dbname="postgres", user=base["USER"], host=base["HOST"], port=base["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{nombre}"')
    admin.close()
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + nombre


def ficha_csrf(html: str) -> str:
    """The CSRF token a page's form carries."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def entorno_de_produccion(carpeta: Path, base_de_datos: str) -> dict:
    """Production settings for a server of a benchmark: its own database and secret, plain
    HTTP on loopback, one trusted proxy (each simulated person sends an address of its own),
    e-mail into files under ``carpeta``."""
    return {
        **os.environ,
        "DATABASE_URL": base_de_datos,
        "DEBUG": "0",
        "SIN_HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PROXIES_DE_CONFIANZA": "1",
        "EMAIL_URL": f"file://{carpeta}/correo",
    }
