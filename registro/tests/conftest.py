"""What the tests of every folder share: registry rows, a person at each step of the
registration, accounts as the registration leaves them, mail and the browser."""

import datetime
import os
import re
import subprocess
import sys
from urllib.parse import quote

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from registro.models import Derechohabiente, Usuario
from registro.padron import curp

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# browser tests make between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Constants and helpers, imported by name: from .conftest (or ..conftest) import CONTRASENA

CONTRASENA = "Mi Clave Ñandú 7"
PASO_1 = reverse("registro:curp")
PASO_2 = reverse("registro:usuario")
INGRESAR = reverse("cuentas:ingresar")
MI_OFICINA = reverse("cuentas:mi_oficina")


def ficha_csrf(html: str) -> str:
    """The CSRF token a page's form carries."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def planes(consultas, tabla: str) -> list[str]:
    """EXPLAIN of each captured SELECT that reads ``tabla`` (at least one)."""
    planes = []
    with connection.cursor() as cursor:
        for consulta in consultas:
            sql = consulta["sql"].strip()  # the statements written out start on a new line
            if sql.startswith("SELECT") and re.search(rf"\b{tabla}\b", sql):
                cursor.execute("EXPLAIN " + sql)
                planes.append("\n".join(fila[0] for fila in cursor.fetchall()))
    assert planes
    return planes


def respuesta_captcha(html: str) -> dict[str, str]:
    """The captcha fields a person would fill in, answered from the captcha store."""
    clave = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return {"captcha_0": clave, "captcha_1": CaptchaStore.objects.get(hashkey=clave).response}


def url_de_la_base_de_prueba() -> str:
    """DATABASE_URL for a process of its own (a server, a command) that must use the test
    database."""
    datos = connection.settings_dict
    return (
        f"postgres://{datos['USER']}@{quote(str(datos['HOST']), safe='')}:"
        f"{datos['PORT'] or 5432}/{datos['NAME']}"
    )


def entorno_de_una_terminal_nueva() -> dict[str, str]:
    """The environment of a fresh shell (no DEBUG, no SECRET_KEY) with DATABASE_URL at the test
    database, for the project's own commands run as processes of their own."""
    entorno = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return {**entorno, "DATABASE_URL": url_de_la_base_de_prueba()}


def error_del_campo(respuesta, campo: str) -> str:
    return " ".join(respuesta.context["form"].errors.get(campo, []))


def enlace_del_correo(mensaje) -> str:
    """The path of the first link in an e-mail's text, as a person would follow it."""
    return re.search(r"https?://[^/\s]+(/\S+)", mensaje.body).group(1)


def ingresar(client, usuario, contrasena=CONTRASENA):
    return client.post(INGRESAR, {"username": usuario, "password": contrasena})


def error_de_ingreso(respuesta) -> str:
    return " ".join(respuesta.context["form"].non_field_errors())


# Fixtures


@pytest.fixture(autouse=True)
def idioma_por_omision():
    """Each test starts in the default language. A request under /en/ leaves English active in
    the test's thread (LocaleMiddleware activates a language, nothing deactivates it), so the
    next test's reverse() would give /en/ paths: which test came before must not matter."""
    yield
    translation.deactivate()


@pytest.fixture
def crear_derechohabiente(db):
    """Factory of derechohabientes with valid CURPs and invented names."""
    contador = iter(range(1, 10_000))

    def crear(nombre="Ana", primer_apellido="Ejemplo", segundo_apellido="Prueba", **extra):
        n = next(contador)
        nacimiento = datetime.date(1980, 1, 1) + datetime.timedelta(days=37 * n)
        clave = curp.construir(
            nombre, primer_apellido, segundo_apellido, nacimiento, "M", "DF", str(n % 10)
        )
        return Derechohabiente.objects.create(
            curp=clave,
            nombre=nombre,
            primer_apellido=primer_apellido,
            segundo_apellido=segundo_apellido,
            **extra,
        )

    return crear


@pytest.fixture
def derechohabiente(crear_derechohabiente):
    return crear_derechohabiente()


@pytest.fixture
def cliente_en_paso_2(client, derechohabiente):
    """A browser session that has just found its CURP in step 1."""
    respuesta = client.post(reverse("registro:curp"), {"curp": derechohabiente.curp})
    assert respuesta.status_code == 302
    return client


@pytest.fixture
def datos_registro(cliente_en_paso_2):
    """A complete, valid step 2 submission, with the captcha answered."""

    def datos(**cambios):
        pagina = cliente_en_paso_2.get(reverse("registro:usuario")).content.decode()
        return {
            "username": "ana.ejemplo",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "email": "ana.ejemplo@correo.example",
            **respuesta_captcha(pagina),
            **cambios,
        }

    return datos


@pytest.fixture
def buzon(mailoutbox):
    """What reached the mail server once the queue was sent, as manage.py enviar_correos
    does it: call it after the request that queued a message."""

    def enviados():
        call_command("enviar_correos", "--una-vez")
        return mailoutbox

    return enviados


# Accounts


@pytest.fixture
def registrado(cliente_en_paso_2, datos_registro, buzon):
    """A person who just pressed "Crear usuario": the account and the e-mail it got."""
    cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    return Usuario.objects.get(username="ana.ejemplo"), buzon()[-1]


@pytest.fixture
def confirmada(client, registrado):
    usuario, correo = registrado
    client.get(enlace_del_correo(correo))
    usuario.refresh_from_db()
    return usuario


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


@pytest.fixture
def cuenta_anterior(derechohabiente):
    return Usuario.objects.create_user(
        "ana.vieja",
        "vieja@correo.example",
        "clave vieja",
        derechohabiente=derechohabiente,
        de_version_anterior=True,
    )


# Browser and production settings


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser downloaded by Playwright; no traffic off this machine."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def estaticos_de_produccion():
    """collectstatic as production runs it (DEBUG off: hashed, compressed files and their
    manifest), for tests that start the app with production settings."""
    entorno = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "solo-para-collectstatic-" + "x" * 40,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=entorno,
        cwd=settings.BASE_DIR,
        check=True,
    )
