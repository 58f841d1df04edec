"""Abuse and faults: look-up limits, lockout, password rules, production settings, 503."""

import base64
import datetime
import http.cookiejar
import logging
import os
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

import psycopg2
import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registro import sesiones
from registro.captcha import reto as reto_captcha
from registro.models import Intento, Usuario
from registro.sesiones import RenovacionDeSesionMiddleware, SessionStore

from .conftest import CONTRASENA, ficha_csrf, respuesta_captcha

pytestmark = pytest.mark.django_db

PASO_1 = reverse("registro:curp")
PASO_2 = reverse("registro:usuario")
INGRESAR = reverse("cuentas:ingresar")


# CURP enumeration


def test_la_busqueda_de_curp_se_limita_por_direccion(client, crear_derechohabiente):
    claves = [crear_derechohabiente(nombre=f"Ana{i}").curp for i in range(11)]
    for clave in claves[:10]:
        assert client.post(PASO_1, {"curp": clave}, REMOTE_ADDR="10.1.1.1").status_code == 302
    respuesta = client.post(PASO_1, {"curp": claves[10]}, REMOTE_ADDR="10.1.1.1")
    assert respuesta.status_code == 429
    assert int(respuesta["Retry-After"]) > 0
    assert "intente de nuevo en 10 minutos" in respuesta.content.decode()
    # Another address is not affected.
    assert client.post(PASO_1, {"curp": claves[10]}, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_la_busqueda_de_curp_se_limita_por_curp(client, derechohabiente):
    for n in range(10):
        client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.2.0.{n}")
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.2.1.1")
    assert respuesta.status_code == 429


def test_un_intento_detenido_por_la_direccion_no_cuenta_contra_la_curp(client, derechohabiente):
    # Someone limited at their own address cannot go on using up another person's CURP.
    for n in range(25):
        client.post(
            PASO_1, {"curp": derechohabiente.curp if n >= 10 else f"X{n}"}, REMOTE_ADDR="10.4.4.4"
        )
    for n in range(10):
        respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.5.0.{n}")
        assert respuesta.status_code == 302
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.5.1.1")
    assert respuesta.status_code == 429


def test_el_limite_no_guarda_curp_ni_direcciones(client, derechohabiente):
    client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.3.3.3")
    guardado = " ".join(Intento.objects.values_list("clave", flat=True))
    assert Intento.objects.count() == 2
    assert derechohabiente.curp not in guardado and "10.3.3.3" not in guardado


def test_detras_de_un_proxy_cuenta_la_direccion_del_cliente(client, settings, derechohabiente):
    settings.PROXIES_DE_CONFIANZA = 1
    for n in range(10):
        client.post(
            PASO_1,
            {"curp": f"X{n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    # The same proxy, a different client: not limited. The same client: limited.
    otro = {"HTTP_X_FORWARDED_FOR": "203.0.113.8", "REMOTE_ADDR": "10.0.0.1"}
    assert client.post(PASO_1, {"curp": "Y"}, **otro).status_code == 200
    mismo = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.7", "REMOTE_ADDR": "10.0.0.1"}
    assert client.post(PASO_1, {"curp": "Y"}, **mismo).status_code == 429


def test_el_paso_2_muestra_el_nombre_enmascarado(cliente_en_paso_2, derechohabiente):
    pagina = cliente_en_paso_2.get(PASO_2).content.decode()
    assert "A*** E*** P***" in pagina
    assert derechohabiente.nombre_completo not in pagina
    assert "Ejemplo Prueba" not in pagina
    assert derechohabiente.curp not in pagina


def test_el_aviso_de_privacidad_va_antes_de_pedir_la_curp(client):
    pagina = client.get(PASO_1).content.decode()
    assert pagina.index("Aviso de privacidad") < pagina.index('name="curp"')
    assert "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados" in (
        pagina
    )
    aviso = client.get(reverse("portal:aviso_de_privacidad")).content.decode()
    assert "derechos ARCO" in aviso


def test_la_curp_viaja_solo_en_el_cuerpo_de_un_post(client):
    pagina = client.get(PASO_1).content.decode()
    formulario = pagina[pagina.index('<form method="post" action="/oficina-virtual/registro/"') :]
    assert 'name="curp"' in formulario[: formulario.index("</form>")]


# Login


@pytest.fixture
def cuenta(derechohabiente):
    from django.utils import timezone

    return Usuario.objects.create_user(
        "pedro.prueba",
        "pedro@correo.example",
        CONTRASENA,
        derechohabiente=derechohabiente,
        correo_confirmado_en=timezone.now(),
    )


def test_cinco_fallos_bloquean_el_usuario_desde_esa_direccion(client, cuenta):
    for _ in range(4):
        respuesta = client.post(INGRESAR, {"username": "pedro.prueba", "password": "mal"})
        assert respuesta.status_code == 200
    bloqueo = client.post(INGRESAR, {"username": "PEDRO.prueba", "password": "mal"})
    assert bloqueo.status_code == 429
    assert "Ingreso bloqueado por un tiempo" in bloqueo.content.decode()
    # Even the right password waits out the cool-off.
    correcta = client.post(INGRESAR, {"username": "pedro.prueba", "password": CONTRASENA})
    assert correcta.status_code == 429
    # Another address may still log in.
    otra = Client(REMOTE_ADDR="10.4.4.4")
    assert otra.post(INGRESAR, {"username": "pedro.prueba", "password": CONTRASENA}).url


class ArgonQueCuenta(Argon2PasswordHasher):
    """Argon2 itself, counting how often it runs."""

    veces = 0

    def encode(self, password, salt):
        ArgonQueCuenta.veces += 1
        return super().encode(password, salt)


def test_el_hasher_corre_tambien_para_un_usuario_desconocido(client, settings):
    settings.PASSWORD_HASHERS = ["registro.tests.test_seguridad.ArgonQueCuenta"]
    ArgonQueCuenta.veces = 0
    client.post(INGRESAR, {"username": "nadie.existe", "password": "cualquier cosa"})
    assert ArgonQueCuenta.veces == 1


# Captcha


def test_el_reto_del_captcha_usa_el_alfabeto_sin_confusiones():
    textos = {reto_captcha.reto_alfanumerico()[0] for _ in range(200)}
    assert len(textos) > 190  # drawn at random
    assert set("".join(textos)) <= set(reto_captcha.ALFABETO)
    assert not set("O0I1L5S") & set("".join(textos))


def test_purgar_vencidos_borra_captchas_intentos_y_sesiones(derechohabiente, client):
    from datetime import timedelta

    from django.utils import timezone

    vieja = CaptchaStore.objects.create(
        challenge="ABCDE", response="abcde", expiration=timezone.now() - timedelta(minutes=1)
    )
    vigente = CaptchaStore.generate_key()
    Intento.objects.create(clave="x" * 40, momento=timezone.now() - timedelta(days=2))
    Intento.objects.create(clave="y" * 40, momento=timezone.now())
    call_command("purgar_vencidos", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not CaptchaStore.objects.filter(pk=vieja.pk).exists()
    assert CaptchaStore.objects.filter(hashkey=vigente).exists()
    assert list(Intento.objects.values_list("clave", flat=True)) == ["y" * 40]


# Passwords


@pytest.mark.parametrize(
    ("contrasena", "mensaje"),
    [
        ("x" * 129, "como máximo 128 caracteres"),
        ("ana.ejemplo", "se parece demasiado a sus datos personales"),
        ("EjemploPrueba", "se parece demasiado a sus datos personales"),
    ],
)
def test_reglas_de_contrasena(cliente_en_paso_2, datos_registro, contrasena, mensaje):
    datos = datos_registro(password1=contrasena, password2=contrasena)
    respuesta = cliente_en_paso_2.post(PASO_2, datos)
    assert mensaje in " ".join(respuesta.context["form"].errors["password1"])
    assert not Usuario.objects.exists()


def test_la_contrasena_no_se_parece_a_la_curp(cliente_en_paso_2, datos_registro, derechohabiente):
    clave = derechohabiente.curp.lower()
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(password1=clave, password2=clave))
    assert "datos personales" in " ".join(respuesta.context["form"].errors["password1"])


def test_128_caracteres_se_guardan_completos(cliente_en_paso_2, datos_registro):
    larga = "Ñandú " * 21 + "xy"  # 128 characters
    assert len(larga) == 128
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=larga, password2=larga))
    usuario = Usuario.objects.get()
    assert usuario.check_password(larga)
    assert not usuario.check_password(larga[:-1])


def test_un_acento_escrito_de_dos_maneras_es_la_misma_contrasena(
    cliente_en_paso_2, datos_registro, client
):
    compuesta = unicodedata.normalize("NFC", "Canción Número 7")
    descompuesta = unicodedata.normalize("NFD", compuesta)
    assert compuesta != descompuesta
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=descompuesta, password2=descompuesta))
    usuario = Usuario.objects.get()
    assert usuario.check_password(compuesta)
    assert not usuario.check_password("Cancion Numero 7")  # accents still count
    from django.utils import timezone

    usuario.correo_confirmado_en = timezone.now()
    usuario.save()
    assert client.post(INGRESAR, {"username": "ana.ejemplo", "password": descompuesta}).url


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


def test_la_sesion_se_renueva_cada_cinco_minutos_no_en_cada_pagina(client, cuenta):
    client.force_login(cuenta)
    mi_oficina = reverse("cuentas:mi_oficina")
    client.get(mi_oficina)
    vence = Session.objects.get().expire_date
    client.get(mi_oficina)
    assert Session.objects.get().expire_date == vence  # no write within 5 minutes
    sesion = client.session
    sesion[RenovacionDeSesionMiddleware.MARCA] -= 6 * 60
    sesion.save()
    Session.objects.update(expire_date=vence)
    client.get(mi_oficina)
    assert Session.objects.get().expire_date > vence
    assert client.get(mi_oficina).status_code == 200


def test_una_sesion_recien_creada_no_se_vuelve_a_escribir(client, derechohabiente):
    assert client.post(PASO_1, {"curp": derechohabiente.curp}).status_code == 302
    antes = Session.objects.values_list("session_data", "expire_date").get()
    assert client.get(PASO_2).status_code == 200
    assert Session.objects.values_list("session_data", "expire_date").get() == antes


def test_una_sesion_vencida_no_abre_otra(client, cuenta):
    client.force_login(cuenta)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("cuentas:mi_oficina")).status_code == 302
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 0


def test_una_clave_de_sesion_repetida_no_pisa_la_de_otra_persona(monkeypatch):
    ajena = SessionStore()
    ajena["de"] = "otra persona"
    ajena.create()
    # The random source gives the other person's key first, then another.
    azar = iter([base64.b32decode(ajena.session_key.upper()), bytes(20)])
    monkeypatch.setattr(sesiones.secrets, "token_bytes", lambda n: next(azar))
    nueva = SessionStore()
    nueva["de"] = "yo"
    nueva.save()
    assert nueva.session_key == "a" * 32
    assert SessionStore(nueva.session_key).load()["de"] == "yo"
    assert SessionStore(ajena.session_key).load()["de"] == "otra persona"


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


# The database goes away and comes back


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
