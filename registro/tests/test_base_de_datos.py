"""The database goes away and comes back: a 503 in Spanish, the health checks
(oficina_virtual/views.py: /salud/, liveness /salud/vivo/, readiness /salud/lista/), and
connections kept between requests checked before use (oficina_virtual/postgresql)."""

import datetime
import http.cookiejar
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from registro.models import CorreoPorEnviar, Usuario

from .conftest import CONTRASENA, PASO_1, PASO_2, ficha_csrf, respuesta_captcha

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_de_datos_caida(transactional_db):
    """Stops new connections to the test database and cuts the open ones, as a stopped
    server would; puts everything back afterwards."""
    nombre = connection.settings_dict["NAME"]
    parametros = {**connection.get_connection_params(), "dbname": "postgres"}
    parametros.pop("database", None)
    admin = psycopg2.connect(**parametros)
    admin.autocommit = True

    def caer():
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{nombre}" ALLOW_CONNECTIONS false')
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [nombre],
            )

    def volver():
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{nombre}" ALLOW_CONNECTIONS true')

    yield caer, volver
    volver()
    admin.close()
    connection.close()


class Navegante:
    """A client over real HTTP (urllib with cookies) against the live server: unlike Django's
    test client, the server then handles its database connections as in production."""

    def __init__(self, base: str):
        self.base = base
        self.abridor = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def pedir(self, ruta: str, datos: dict | None = None) -> tuple[int, str]:
        cuerpo = urllib.parse.urlencode(datos).encode() if datos is not None else None
        peticion = urllib.request.Request(self.base + ruta, data=cuerpo)  # noqa: S310
        peticion.add_header("Referer", self.base + ruta)
        try:
            with self.abridor.open(peticion, timeout=30) as respuesta:
                return respuesta.status, respuesta.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def enviar(self, ruta: str, datos: dict) -> tuple[int, str]:
        _, pagina = self.pedir(ruta)
        return self.pedir(ruta, {"csrfmiddlewaretoken": ficha_csrf(pagina), **datos})


def test_sin_base_de_datos_un_503_en_espanol_y_luego_sigue(
    live_server, crear_derechohabiente, base_de_datos_caida
):
    caer, volver = base_de_datos_caida
    derechohabiente = crear_derechohabiente()
    navegante = Navegante(live_server.url)
    navegante.enviar(PASO_1, {"curp": derechohabiente.curp})
    _, pagina = navegante.pedir(PASO_2)
    datos = {
        "csrfmiddlewaretoken": ficha_csrf(pagina),
        "username": "en.la.caida",
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": "caida@correo.example",
        **respuesta_captcha(pagina),
    }
    assert navegante.pedir("/salud/")[0] == 200

    caer()
    estado, caida = navegante.pedir(PASO_2, datos)
    assert estado == 503
    assert "No se guardó nada de lo que envió" in caida
    assert navegante.pedir("/salud/")[0] == 503

    volver()
    assert navegante.pedir("/salud/")[0] == 200  # no restart needed
    assert navegante.pedir(reverse("portal:oficina"))[0] == 200
    connection.close()  # this test's own connection was cut as well
    assert not Usuario.objects.filter(username="en.la.caida").exists()


def test_una_conexion_que_postgresql_corto_se_renueva_antes_de_usarla(transactional_db):
    """A restart or an idle timeout closes the connection a worker keeps between requests;
    the next request opens a new one instead of failing on the old (the cheap health check
    of oficina_virtual/postgresql)."""
    connection.ensure_connection()
    anterior = connection.connection.get_backend_pid()
    admin = psycopg2.connect(**{**connection.get_connection_params(), "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [anterior])
        for _ in range(100):  # the server signals the backend; wait until it has gone
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [anterior])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    admin.close()

    close_old_connections()  # what Django does as each request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != anterior


def test_el_chequeo_de_la_conexion_funciona_con_muchos_archivos_abiertos(transactional_db):
    """A process with over a thousand open files gets descriptors that select() refuses:
    the health check must not be what fails the request."""
    abiertos = []
    try:
        connection.close()
        while not abiertos or abiertos[-1] < 1100:  # every lower descriptor taken
            abiertos.append(os.open(os.devnull, os.O_RDONLY))
        os.close(abiertos.pop())  # the connection gets this one
        connection.ensure_connection()
        assert connection.connection.fileno() > 1024
        close_old_connections()  # what Django does as each request starts
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        connection.close()
        for descriptor in abiertos:
            os.close(descriptor)


def test_vivo_y_lista_dicen_su_estado_en_json(client):
    vivo = client.get("/salud/vivo/")
    assert (vivo.status_code, vivo.json()) == (200, {"estado": "vivo"})
    assert "no-cache" in vivo["Cache-Control"]
    lista = client.get("/salud/lista/")
    assert lista.status_code == 200
    assert lista.json() == {
        "estado": "lista",
        "base_de_datos": "ok",
        "correo": {"en_cola": 0, "espera_mas_larga_s": 0, "atrasado": False},
    }


def test_un_correo_atrasado_degrada_pero_no_saca_al_servidor(client, settings):
    settings.SALUD_CORREO_ATRASO_MAXIMO = 600
    hace = timezone.now() - datetime.timedelta(minutes=20)
    CorreoPorEnviar.objects.create(
        plantilla="confirmacion", destinatario="a@correo.example", contexto={}, idioma="es-mx"
    )
    CorreoPorEnviar.objects.create(
        plantilla="confirmacion",
        destinatario="b@correo.example",
        contexto={},
        idioma="es-mx",
        creado_en=hace,
    )
    lista = client.get("/salud/lista/")
    assert lista.status_code == 200
    datos = lista.json()
    assert datos["estado"] == "degradado" and datos["correo"]["atrasado"]
    assert datos["correo"]["en_cola"] == 2
    assert 1190 <= datos["correo"]["espera_mas_larga_s"] <= 1300


def test_sin_base_de_datos_no_esta_lista_pero_sigue_viva(live_server, base_de_datos_caida):
    caer, volver = base_de_datos_caida
    navegante = Navegante(live_server.url)
    assert navegante.pedir("/salud/lista/")[0] == 200
    caer()
    estado, cuerpo = navegante.pedir("/salud/lista/")
    assert estado == 503 and json.loads(cuerpo)["base_de_datos"] == "sin respuesta"
    assert navegante.pedir("/salud/vivo/") == (200, '{"estado": "vivo"}')
    volver()
    assert navegante.pedir("/salud/lista/")[0] == 200
    connection.close()  # this test's own connection was cut as well
