"""Through PgBouncer in transaction mode, as a deployment of many app servers runs it
(deploy/pgbouncer.ini, Debian's pgbouncer): each transaction may go to another server
connection, so the app must keep no session-level state. A whole registration goes through
it (sessions, look-up limits with their advisory locks, the waiting room, captcha, account,
mail queue), the admin's streamed export reads through it, and a restart of the pooler is
survived without restarting the app."""

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from registro.models import Usuario

from .conftest import CONTRASENA, ficha_csrf, respuesta_captcha
from .test_escalamiento import Persona, esperar_a_que_responda, puerto_libre

pytestmark = pytest.mark.django_db(transaction=True)

PGBOUNCER = "/usr/sbin/pgbouncer"
CONFIGURACION = Path(settings.BASE_DIR) / "deploy" / "pgbouncer.ini"


def configuracion_de_prueba(carpeta: Path, puerto: int) -> Path:
    """deploy/pgbouncer.ini with its CHANGE lines set for this machine: the test database,
    a free loopback port, no password (trust, PostgreSQL's own rule here), files in
    ``carpeta``."""
    datos = connection.settings_dict
    base = (
        f"host={datos['HOST'] or '127.0.0.1'} port={datos['PORT'] or 5432} dbname={datos['NAME']}"
    )
    cambios = {
        "oficina_virtual": (datos["NAME"], f"{base} user={datos['USER']}"),
        "listen_port": ("listen_port", str(puerto)),
        "auth_type": ("auth_type", "trust"),
        "auth_file": ("auth_file", str(carpeta / "usuarios.txt")),
        "logfile": ("logfile", str(carpeta / "pgbouncer.log")),
        "pidfile": ("pidfile", str(carpeta / "pgbouncer.pid")),
    }
    lineas = []
    for linea in CONFIGURACION.read_text().splitlines():
        clave = linea.split("=", 1)[0].strip()
        if "=" in linea and clave in cambios:
            linea = "{} = {}".format(*cambios.pop(clave))
        lineas.append(linea)
    assert not cambios, f"deploy/pgbouncer.ini ya no tiene {list(cambios)}"
    (carpeta / "usuarios.txt").write_text(f'"{datos["USER"]}" ""\n')
    archivo = carpeta / "pgbouncer.ini"
    archivo.write_text("\n".join(lineas) + "\n")
    return archivo


def iniciar_pgbouncer(archivo: Path, puerto: int) -> subprocess.Popen:
    comando = [PGBOUNCER, str(archivo)]
    if os.getuid() == 0:  # it refuses to run as root: as the project's PostgreSQL user
        usuario = "pgserver" if "pgserver" in {u.pw_name for u in pwd.getpwall()} else "nobody"
        comando[1:1] = ["-u", usuario]
    proceso = subprocess.Popen(comando, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        with socket.socket() as prueba:
            if prueba.connect_ex(("127.0.0.1", puerto)) == 0:
                return proceso
        time.sleep(0.1)
    raise RuntimeError((archivo.parent / "pgbouncer.log").read_text())


@pytest.fixture
def pgbouncer(transactional_db):
    # Its log and pid files, written as another user when run by root: a folder that user
    # can reach (pytest's own are closed to others).
    carpeta = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    carpeta.chmod(0o777)
    puerto = puerto_libre()
    archivo = configuracion_de_prueba(carpeta, puerto)
    procesos = [iniciar_pgbouncer(archivo, puerto)]

    def reiniciar():
        procesos[-1].terminate()
        procesos[-1].wait(timeout=10)
        procesos.append(iniciar_pgbouncer(archivo, puerto))

    url = f"postgres://{connection.settings_dict['USER']}@127.0.0.1:{puerto}/"
    yield url + connection.settings_dict["NAME"], reiniciar
    procesos[-1].terminate()
    procesos[-1].wait(timeout=10)
    shutil.rmtree(carpeta, ignore_errors=True)


@pytest.fixture
def servidor_tras_pgbouncer(pgbouncer, estaticos_de_produccion, tmp_path):
    url, reiniciar = pgbouncer
    entorno = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SIN_HTTPS": "1",
        "SECRET_KEY": "clave-de-prueba-del-servidor-tras-pgbouncer-" + "x" * 20,
        "DATABASE_URL": url,
        "PGBOUNCER": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "EMAIL_URL": f"file://{tmp_path}",
    }
    puerto = puerto_libre()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        env={**entorno, "PORT": str(puerto)},
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servidor = f"http://127.0.0.1:{puerto}"
    try:
        esperar_a_que_responda(servidor + "/salud/")
        yield servidor, entorno, reiniciar
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=10)


def registrarse(servidor: str, curp: str, usuario: str) -> str:
    persona = Persona()
    paso_1 = servidor + "/oficina-virtual/registro/"
    _, pagina, _ = persona.pedir(paso_1)
    estado, _, destino = persona.pedir(
        paso_1, {"csrfmiddlewaretoken": ficha_csrf(pagina), "curp": curp}
    )
    assert (estado, destino) == (302, "/oficina-virtual/registro/usuario/")
    _, pagina, _ = persona.pedir(servidor + destino)
    datos = {
        "csrfmiddlewaretoken": ficha_csrf(pagina),
        "username": usuario,
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": f"{usuario}@correo.example",
        **respuesta_captcha(pagina),
    }
    estado, _, destino = persona.pedir(servidor + destino, datos)
    assert (estado, destino) == (302, "/oficina-virtual/registro/usuario-creado/")
    return persona.pedir(servidor + destino)[1]


def test_un_registro_entero_en_modo_transaccion(servidor_tras_pgbouncer, crear_derechohabiente):
    servidor, entorno, _ = servidor_tras_pgbouncer

    pagina = registrarse(servidor, crear_derechohabiente().curp, "ana.pgbouncer")

    assert "ana.pgbouncer" in pagina
    assert Usuario.objects.get(username="ana.pgbouncer").check_password(CONTRASENA)
    # The admin's CSV export streams the registry with .iterator(): through the pooler too.
    contar = (
        "from registro.models import Derechohabiente as D; "
        "print('filas', sum(1 for _ in D.objects.iterator(chunk_size=1)))"
    )
    salida = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", contar],
        env=entorno,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert re.search(r"filas 1\b", salida.stdout), salida.stderr


def test_reiniciar_pgbouncer_no_obliga_a_reiniciar_la_app(
    servidor_tras_pgbouncer, crear_derechohabiente
):
    servidor, _, reiniciar = servidor_tras_pgbouncer
    registrarse(servidor, crear_derechohabiente().curp, "antes.del.reinicio")

    reiniciar()

    # The persistent connections PgBouncer dropped are found dead and opened anew.
    limite = time.monotonic() + 20
    while True:
        try:
            pagina = registrarse(servidor, crear_derechohabiente().curp, "despues.del.reinicio")
            break
        except AssertionError:
            assert time.monotonic() < limite, "la app no se recuperó sola"
            time.sleep(0.5)
    assert "despues.del.reinicio" in pagina
