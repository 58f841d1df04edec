"""Nothing lives in one process: two app servers, one registration alternating between them.

Two gunicorn servers with production settings (DEBUG off) are started on different ports
against the test database; every request of a person's registration, confirmation and
login goes to the other server than the one before. Sessions, captcha challenges, look-up
limits, login lockouts and the waiting room's line are all in PostgreSQL, so it works.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from registro.models import SalaDeEspera, Usuario

from .conftest import CONTRASENA, ficha_csrf, respuesta_captcha, url_de_la_base_de_prueba

pytestmark = pytest.mark.django_db(transaction=True)


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Persona:
    """One browser (one cookie jar) talking to whichever server it is told."""

    def __init__(self):
        self.abridor = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _SinRedirecciones(),
        )

    def pedir(self, url: str, datos: dict | None = None) -> tuple[int, str, str]:
        cuerpo = urllib.parse.urlencode(datos).encode() if datos is not None else None
        peticion = urllib.request.Request(url, data=cuerpo, headers={"Referer": url})  # noqa: S310
        try:
            with self.abridor.open(peticion, timeout=30) as respuesta:
                return respuesta.status, respuesta.read().decode(), ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")


def esperar_a_que_responda(url: str) -> None:
    """Until a server just started answers ``url`` (20 seconds at most)."""
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)


class _SinRedirecciones(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test follows redirects itself, to the other server


@pytest.fixture
def dos_servidores(transactional_db, estaticos_de_produccion, tmp_path):
    entorno = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SIN_HTTPS": "1",
        "SECRET_KEY": "clave-de-prueba-compartida-por-los-dos-servidores-" + "x" * 20,
        "DATABASE_URL": url_de_la_base_de_prueba(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "EMAIL_URL": f"file://{tmp_path}",
    }
    servidores, procesos = [], []
    for _ in range(2):
        puerto = puerto_libre()
        procesos.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                env={**entorno, "PORT": str(puerto)},
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        servidores.append(f"http://127.0.0.1:{puerto}")
    # The e-mail sender, a process of its own as in a deployment.
    procesos.append(
        subprocess.Popen(
            [sys.executable, "manage.py", "enviar_correos", "--pausa", "0.2"],
            env=entorno,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    try:
        for servidor in servidores:
            esperar_a_que_responda(servidor + "/salud/")
        yield servidores, Path(tmp_path)
    finally:
        for proceso in procesos:
            proceso.terminate()
            proceso.wait(timeout=10)


def test_una_registracion_alternando_entre_dos_servidores(dos_servidores, derechohabiente):
    (a, b), buzon = dos_servidores
    persona = Persona()
    paso_1 = "/oficina-virtual/registro/"

    _, pagina, _ = persona.pedir(a + paso_1)
    estado, _, destino = persona.pedir(
        b + paso_1, {"csrfmiddlewaretoken": ficha_csrf(pagina), "curp": derechohabiente.curp}
    )
    assert (estado, destino) == (302, "/oficina-virtual/registro/usuario/")

    _, pagina, _ = persona.pedir(a + destino)  # the look-up made on B, read on A
    datos = {
        "csrfmiddlewaretoken": ficha_csrf(pagina),
        "username": "ana.dos.servidores",
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": "dos.servidores@correo.example",
        **respuesta_captcha(pagina),  # the challenge drawn by A
    }
    estado, _, destino = persona.pedir(b + destino, datos)
    assert (estado, destino) == (302, "/oficina-virtual/registro/usuario-creado/")
    _, pagina, _ = persona.pedir(a + destino)
    assert "ana.dos.servidores" in pagina

    for _ in range(100):  # the sender writes it within a moment (the file appears first)
        texto = "".join(archivo.read_text() for archivo in buzon.iterdir())
        if enlace := re.search(r"http://127\.0\.0\.1:\d+(/oficina-virtual/confirmar/\S+/)", texto):
            break
        time.sleep(0.1)
    assert len(list(buzon.iterdir())) == 1 and enlace
    assert persona.pedir(a + enlace.group(1))[0] == 200

    _, pagina, _ = persona.pedir(b + "/oficina-virtual/ingresar/")
    estado, _, destino = persona.pedir(
        a + "/oficina-virtual/ingresar/",
        {
            "csrfmiddlewaretoken": ficha_csrf(pagina),
            "username": "ana.dos.servidores",
            "password": CONTRASENA,
        },
    )
    assert (estado, destino) == (302, "/oficina-virtual/mi-oficina/")
    estado, pagina, _ = persona.pedir(b + destino)  # logged in on A, recognised by B
    assert estado == 200 and "Ana Ejemplo Prueba" in pagina
    assert Usuario.objects.get().derechohabiente == derechohabiente


def test_los_limites_y_el_bloqueo_valen_en_los_dos_servidores(dos_servidores, derechohabiente):
    servidores, _ = dos_servidores
    persona = Persona()
    paso_1 = "/oficina-virtual/registro/"
    estados = []
    for n in range(11):
        servidor = servidores[n % 2]
        _, pagina, _ = persona.pedir(servidor + paso_1)
        datos = {"csrfmiddlewaretoken": ficha_csrf(pagina), "curp": derechohabiente.curp}
        estados.append(persona.pedir(servidores[(n + 1) % 2] + paso_1, datos)[0])
    assert estados[:10] == [302] * 10 and estados[10] == 429

    Usuario.objects.create_user("bloqueable", "b@correo.example", CONTRASENA)
    estados = []
    for n in range(6):
        servidor = servidores[n % 2]
        _, pagina, _ = persona.pedir(servidor + "/oficina-virtual/ingresar/")
        datos = {
            "csrfmiddlewaretoken": ficha_csrf(pagina),
            "username": "bloqueable",
            "password": "equivocada",
        }
        estados.append(persona.pedir(servidor + "/oficina-virtual/ingresar/", datos)[0])
    assert estados[:4] == [200] * 4 and estados[4:] == [429, 429]


def test_dos_servidores_forman_una_sola_fila(dos_servidores):
    """Turns taken on either server are one line, and one admission number lets people in
    on both, in the order they arrived."""
    (a, b), _ = dos_servidores
    call_command("sala_de_espera", "siempre", "--tasa", "0")  # everyone waits, nobody moves
    time.sleep(1.1)  # each server reads the switch within a second
    paso_1 = "/oficina-virtual/registro/"
    personas = [Persona() for _ in range(6)]

    lugares = [lugar(p.pedir((a, b)[i % 2] + paso_1)[1]) for i, p in enumerate(personas)]

    assert lugares == list(range(lugares[0], lugares[0] + 6))  # one line, in arrival order
    SalaDeEspera.objects.filter(pk=1).update(admitidos=F("admitidos") + lugares[2])
    time.sleep(1.1)
    # Each asks the other server than the one that gave the turn.
    paginas = [p.pedir((b, a)[i % 2] + paso_1)[1] for i, p in enumerate(personas)]
    assert ['name="curp"' in pagina for pagina in paginas] == [True] * 3 + [False] * 3
    assert [lugar(pagina) for pagina in paginas[3:]] == [1, 2, 3]


def lugar(pagina: str) -> int:
    return int(re.search(r'data-lugar="(\d+)"', pagina).group(1))
