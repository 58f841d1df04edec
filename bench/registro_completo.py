"""locust: the whole registration, as a person does it, for make bench.

Each simulated person opens the CURP step, finds their CURP, opens step 2, reads the
captcha (from the captcha store: a person reads the image) and creates their account, with
a client address of their own behind one trusted proxy. Each registration hashes its
password once: the password hasher bounds it. Run by bench/servicio.py, which passes the
CURPs to use (BENCH_CURPS, one per line, each used once) and the database (DATABASE_URL).
"""

import itertools
import os
import random
import re
import sys
from pathlib import Path

import dj_database_url
import psycopg2
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comun import ficha_csrf  # noqa: E402

CONTRASENA = "Clave de prueba 2026"
_CURPS = iter(open(os.environ["BENCH_CURPS"]).read().split())
_NUMERO = itertools.count()
_BASE = dj_database_url.parse(os.environ["DATABASE_URL"])


class Derechohabiente(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.base = psycopg2.connect(
            dbname=_BASE["NAME"], user=_BASE["USER"], host=_BASE["HOST"], port=_BASE["PORT"]
        )
        self.base.autocommit = True

    def _respuesta_captcha(self, clave: str) -> str:
        with self.base.cursor() as cursor:
            cursor.execute("SELECT response FROM captcha_captchastore WHERE hashkey = %s", [clave])
            return cursor.fetchone()[0]

    @task
    def registrarse(self):
        self.client.cookiejar.clear()
        n = next(_NUMERO)
        direccion = {"X-Forwarded-For": ".".join(str(random.randint(1, 254)) for _ in range(4))}
        paso_1 = self.client.get("/oficina-virtual/registro/", name="1 paso 1 (GET)")
        with self.client.post(
            "/oficina-virtual/registro/",
            {"csrfmiddlewaretoken": ficha_csrf(paso_1.text), "curp": next(_CURPS)},
            headers=direccion,
            allow_redirects=False,
            name="2 buscar CURP (POST)",
            catch_response=True,
        ) as encontrada:
            if encontrada.status_code != 302:
                encontrada.failure(f"buscar CURP: {encontrada.status_code}")
                return
        paso_2 = self.client.get("/oficina-virtual/registro/usuario/", name="3 paso 2 (GET)")
        clave = re.search(r'name="captcha_0" value="([0-9a-f]+)"', paso_2.text).group(1)
        with self.client.post(
            "/oficina-virtual/registro/usuario/",
            {
                "csrfmiddlewaretoken": ficha_csrf(paso_2.text),
                "username": f"bench.{os.getpid()}.{n}",
                "password1": CONTRASENA,
                "password2": CONTRASENA,
                "email": f"bench.{os.getpid()}.{n}@correo.example",
                "captcha_0": clave,
                "captcha_1": self._respuesta_captcha(clave),
            },
            headers=direccion,
            allow_redirects=False,
            name="4 crear usuario (POST, Argon2)",
            catch_response=True,
        ) as creado:
            if creado.status_code != 302 or "usuario-creado" not in creado.headers["Location"]:
                creado.failure(f"crear usuario: {creado.status_code}")
