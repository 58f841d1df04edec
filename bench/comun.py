"""What the benchmarks share: a database of their own, new for each run; reading a form."""

import os
import re

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
