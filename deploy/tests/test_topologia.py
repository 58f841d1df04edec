"""The national topology on this machine, as `make serve-escala` starts it (deploy/escala.py):
nginx → HAProxy → two gunicorn app servers → PgBouncer (transaction mode) → a PostgreSQL
primary, and a streaming replica for step 1's look-ups. Real programs on loopback ports; the
fault drills stop and kill them as an outage would, each bounded in time."""

import concurrent.futures
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.message import Message
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from deploy.escala import Escala, base_libre
from registro.mensajes import CURP_CON_CUENTA
from registro.tests.conftest import CONTRASENA, ficha_csrf
from registro.tests.test_escalamiento import Persona

PASO_1 = "/oficina-virtual/registro/"
PASO_2 = "/oficina-virtual/registro/usuario/"
CREADO = "/oficina-virtual/registro/usuario-creado/"
DEMO = Path(settings.BASE_DIR) / "datos" / "derechohabientes-demo.csv"


class Topologia:
    def __init__(self, carpeta: Path):
        self.carpeta = carpeta
        self.escala = Escala.abrir(carpeta, puerto=base_libre(), servidores=2)
        self.sitio = self.escala.url("nginx")
        self._curps = [fila["curp"] for fila in csv.DictReader(DEMO.open(encoding="utf-8"))]
        self._siguiente = 0
        self._candado = threading.Lock()

    def orden(self, orden: str, *nodos: str) -> None:
        """deploy/escala.py as an operator types it."""
        subprocess.run(
            [sys.executable, "deploy/escala.py", "--carpeta", self.carpeta, orden, *nodos],
            cwd=settings.BASE_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )

    def curp_sin_cuenta(self) -> str:
        """A demo CURP no test has registered (the last one is kept for look-ups only)."""
        with self._candado:
            self._siguiente += 1
            assert self._siguiente < len(self._curps), "faltan CURP de demostración"
            return self._curps[self._siguiente - 1]

    def solo_para_buscar(self) -> str:
        return self._curps[-1]

    def consultar(self, nodo: str, sql: str, parametros=()) -> list[tuple]:
        conexion = psycopg2.connect(self.escala.url_de_base(nodo), connect_timeout=5)
        conexion.autocommit = True
        try:
            with conexion.cursor() as cursor:
                cursor.execute(sql, parametros)
                return cursor.fetchall() if cursor.description else []
        finally:
            conexion.close()

    def lecturas_del_padron(self) -> dict[str, float]:
        """Look-ups each database answered, added up over the app servers."""
        cuentas = {"replica": 0.0, "primario": 0.0}
        for app in self.escala.apps():
            texto = leer(self.escala.url(app) + "/metricas/")[1]
            for base, valor in re.findall(
                r'oficina_virtual_lecturas_del_padron_total\{base="(\w+)"\} (\S+)', texto
            ):
                cuentas[base] += float(valor)
        return cuentas

    def lecturas_de_la_tabla_del_registro(self, nodo: str) -> int:
        """Scans of the derechohabientes' table that ``nodo`` itself ran (each server keeps its
        own statistics; a replica's are not the primary's)."""
        ((lecturas,),) = self.consultar(
            nodo,
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables"
            " WHERE relname = 'registro_derechohabiente'",
        )
        return lecturas

    def servidores_en_haproxy(self) -> dict[str, str]:
        """Each app server's state in the balancer's pool of ready servers: UP, DOWN..."""
        texto = leer(self.escala.url("estadisticas") + "/;csv")[1].lstrip("# ")
        return {
            fila["svname"]: fila["status"]
            for fila in csv.DictReader(io.StringIO(texto))
            if fila["pxname"] == "listos" and fila["svname"] in self.escala.apps()
        }

    def respuesta_captcha(self, html: str) -> dict[str, str]:
        clave = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
        ((respuesta,),) = self.consultar(
            "primario", "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [clave]
        )
        return {"captcha_0": clave, "captcha_1": respuesta}

    def buscar(self, persona: Persona, curp: str) -> tuple[int, str, str]:
        _, pagina, _ = persona.pedir(self.sitio + PASO_1)
        return persona.pedir(
            self.sitio + PASO_1, {"csrfmiddlewaretoken": ficha_csrf(pagina), "curp": curp}
        )

    def crear_usuario(self, persona: Persona, usuario: str) -> tuple[int, str, str]:
        _, pagina, _ = persona.pedir(self.sitio + PASO_2)
        datos = {
            "csrfmiddlewaretoken": ficha_csrf(pagina),
            "username": usuario,
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "email": f"{usuario}@correo.example",
            **self.respuesta_captcha(pagina),
        }
        return persona.pedir(self.sitio + PASO_2, datos)

    def registrar(self, curp: str, usuario: str) -> None:
        persona = Persona()
        assert self.buscar(persona, curp)[::2] == (302, PASO_2)
        assert self.crear_usuario(persona, usuario)[::2] == (302, CREADO)

    def cuentas_de(self, curp: str) -> list[str]:
        return [
            usuario
            for (usuario,) in self.consultar(
                "primario",
                "SELECT u.username FROM registro_usuario u JOIN registro_derechohabiente d"
                " ON d.id = u.derechohabiente_id WHERE d.curp = %s",
                [curp],
            )
        ]


def leer(url: str) -> tuple[int, str, Message]:
    """Status, body and headers of a GET with no cookies."""
    try:
        with urllib.request.urlopen(url, timeout=30) as respuesta:  # noqa: S310
            return respuesta.status, respuesta.read().decode(), respuesta.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def hasta_que(condicion, segundos: float, cada: float = 0.25):
    """Asks ``condicion()`` until it is true (its value) or ``segundos`` pass (fails)."""
    limite = time.monotonic() + segundos
    while not (valor := condicion()):
        assert time.monotonic() < limite, f"no ocurrió en {segundos} s"
        time.sleep(cada)
    return valor


@pytest.fixture(scope="module")
def topologia():
    # PostgreSQL runs as another user when the tests run as root: a folder it can walk.
    carpeta = Path(tempfile.mkdtemp(prefix="escala-"))
    carpeta.chmod(0o755)
    anteriores = dict(os.environ)
    # The waiting room admits everyone at once; every request comes from 127.0.0.1, so the
    # look-up limits of one address are the tests' own; the replica is 2 s behind at most.
    os.environ |= {
        "SALA_DE_ESPERA_TASA": "10000",
        "LIMITE_BUSQUEDAS_POR_CURP": "1000/10",
        "LIMITE_BUSQUEDAS_POR_DIRECCION": "100000/10",
        "LIMITE_FALLOS_POR_DIRECCION": "100000/10",
        "LIMITE_FALLOS_POR_CLIENTE": "100000/10",
        "REPLICA_RETRASO_MAXIMO": "2",
    }
    topologia = Topologia(carpeta)
    try:
        topologia.orden("iniciar")
        yield topologia
    finally:
        os.environ.clear()
        os.environ.update(anteriores)
        subprocess.run(
            [sys.executable, "deploy/escala.py", "--carpeta", carpeta, "detener"],
            cwd=settings.BASE_DIR,
            timeout=120,
        )
        shutil.rmtree(carpeta, ignore_errors=True)


@pytest.fixture
def nodos_en_marcha(topologia):
    """Each drill leaves every node running for the next, whatever happened."""
    yield topologia
    topologia.orden("iniciar")
    hasta_que(lambda: set(topologia.servidores_en_haproxy().values()) == {"UP"}, 20)


def test_el_personal_busca_en_el_registro_sobre_la_replica(topologia):
    """The admin's registry list and its search by name: read on the replica (its own count
    of scans of the registry table grows; the primary's is another server's). First in this
    file: no look-up before it has read the replica, whose counts could arrive late."""
    topologia.escala.manage_en_el_primario(
        "shell",
        "-c",
        "from registro.models import Usuario; Usuario.objects.create_superuser("
        f"'jefa.escala', 'jefa.escala@issste.example', '{CONTRASENA}')",
    )
    persona = Persona()
    entrar = topologia.sitio + "/admin/login/?next=/admin/"
    _, pagina, _ = persona.pedir(entrar)
    datos = {"csrfmiddlewaretoken": ficha_csrf(pagina), "username": "jefa.escala"}
    estado, _, destino = persona.pedir(entrar, {**datos, "password": CONTRASENA, "next": "/admin/"})
    assert (estado, destino) == (302, "/admin/")
    antes = topologia.lecturas_de_la_tabla_del_registro("replica")

    estado, html, _ = persona.pedir(topologia.sitio + "/admin/registro/derechohabiente/?q=SUPUESTO")

    assert estado == 200 and "SUSJ530820HCLPPN22" in html
    # A server's activity counts reach its statistics within a few seconds.
    hasta_que(lambda: topologia.lecturas_de_la_tabla_del_registro("replica") > antes, 20, 0.5)


def test_paginas_iguales_para_todos_desde_la_cache_de_nginx(topologia):
    for pagina in ("/", "/oficina-virtual/", "/en/oficina-virtual/"):
        leer(topologia.sitio + pagina)
        estado, html, cabeceras = leer(topologia.sitio + pagina)
        assert (estado, cabeceras["X-Cache"]) == (200, "HIT"), pagina
        assert "Cookie" in cabeceras["Vary"]
        assert "csrfmiddlewaretoken" not in html

    # Static files straight from disk, kept by browsers for a year.
    css = re.search(r'href="(/static/[^"]+\.css)"', leer(topologia.sitio + "/")[1]).group(1)
    estado, _, cabeceras = leer(topologia.sitio + css)
    assert estado == 200 and "immutable" in cabeceras["Cache-Control"]


def test_nunca_guarda_una_pagina_con_ficha_csrf_o_datos_de_una_persona(topologia):
    persona = Persona()
    for _ in range(2):  # step 1's form: its CSRF token is each visitor's own
        estado, html, _ = persona.pedir(topologia.sitio + PASO_1)
        assert estado == 200 and "csrfmiddlewaretoken" in html
    cabeceras = leer(topologia.sitio + PASO_1)[2]
    assert cabeceras["X-Cache"] != "HIT" and "public" not in cabeceras.get("Cache-Control", "")

    # Someone at step 2 (a session) gets the home page from the app, for them alone.
    assert topologia.buscar(persona, topologia.curp_sin_cuenta())[::2] == (302, PASO_2)
    _, html, _ = persona.pedir(topologia.sitio + PASO_2)
    assert "Crear usuario" in html
    peticion = urllib.request.Request(topologia.sitio + "/oficina-virtual/")  # noqa: S310
    with persona.abridor.open(peticion, timeout=30) as respuesta:
        assert respuesta.headers["X-Cache"] != "HIT"
        assert "public" not in respuesta.headers.get("Cache-Control", "")


def test_la_busqueda_lee_la_replica_y_sin_ella_el_primario(nodos_en_marcha):
    topologia = nodos_en_marcha
    antes = topologia.lecturas_del_padron()
    assert topologia.buscar(Persona(), topologia.solo_para_buscar())[::2] == (302, PASO_2)
    despues = topologia.lecturas_del_padron()
    assert despues["replica"] == antes["replica"] + 1
    assert despues["primario"] == antes["primario"]

    topologia.orden("detener", "replica")
    for _ in range(4):  # both servers, both workers: none fails, all read the primary
        assert topologia.buscar(Persona(), topologia.solo_para_buscar())[::2] == (302, PASO_2)
    assert topologia.lecturas_del_padron()["primario"] == despues["primario"] + 4

    topologia.orden("iniciar", "replica")

    def en_la_replica_otra_vez():
        antes = topologia.lecturas_del_padron()["replica"]
        topologia.buscar(Persona(), topologia.solo_para_buscar())
        return topologia.lecturas_del_padron()["replica"] > antes

    hasta_que(en_la_replica_otra_vez, 15, cada=0.5)


def test_una_replica_atrasada_cede_las_busquedas_al_primario(nodos_en_marcha):
    topologia = nodos_en_marcha
    topologia.consultar("replica", "SELECT pg_wal_replay_pause()")
    try:
        # The primary goes on writing (sessions, counts); the replica stays where it was.
        def en_el_primario():
            antes = topologia.lecturas_del_padron()["primario"]
            topologia.buscar(Persona(), topologia.solo_para_buscar())
            return topologia.lecturas_del_padron()["primario"] > antes

        hasta_que(en_el_primario, 15, cada=0.5)
        # Each process keeps its own reading for a second: every one comes to say so.
        for app in topologia.escala.apps():
            lista = topologia.escala.url(app) + "/salud/lista/"
            hasta_que(lambda lista=lista: '"replica": "atrasada"' in leer(lista)[1], 10)
            assert leer(lista)[0] == 200  # a replica behind never takes a server out
    finally:
        topologia.consultar("replica", "SELECT pg_wal_replay_resume()")


def test_una_cuenta_recien_creada_no_tiene_segunda_aunque_la_replica_no_la_vea(topologia):
    curp = topologia.curp_sin_cuenta()
    primera, segunda = Persona(), Persona()
    # Both pass step 1 (on the replica) before either creates the account.
    assert topologia.buscar(primera, curp)[::2] == (302, PASO_2)
    assert topologia.buscar(segunda, curp)[::2] == (302, PASO_2)

    assert topologia.crear_usuario(primera, "la.primera")[::2] == (302, CREADO)
    estado, html, _ = topologia.crear_usuario(segunda, "la.segunda")

    assert estado == 200 and "Esta CURP ya tiene una cuenta" in html
    assert str(CURP_CON_CUENTA).startswith("Esta CURP ya tiene una cuenta")
    assert topologia.cuentas_de(curp) == ["la.primera"]


def test_un_servidor_muere_en_plena_oleada_de_registros(nodos_en_marcha):
    """Registrations keep arriving while app1 is killed (kill -9): none is lost or doubled.
    A person whose request died with it sees an error and tries again, as people do."""
    topologia = nodos_en_marcha
    personas = [(topologia.curp_sin_cuenta(), f"oleada.{n}") for n in range(28)]

    def registrarse(curp: str, usuario: str) -> tuple[int, float]:
        """Tries until the account exists; how many tries, and when it began."""
        inicio = time.monotonic()
        for intentos in range(1, 6):
            persona = Persona()
            try:
                estado, html, destino = topologia.buscar(persona, curp)
                if "Esta CURP ya tiene una cuenta" in html:
                    return intentos, inicio  # an earlier try made it; its answer was lost
                if (estado, destino) == (302, PASO_2) and topologia.crear_usuario(persona, usuario)[
                    ::2
                ] == (302, CREADO):
                    return intentos, inicio
            except AttributeError:  # an error page instead of the form
                pass
        raise AssertionError(f"{usuario}: cinco intentos sin éxito")

    with concurrent.futures.ThreadPoolExecutor(4) as hilos:
        futuros = [hilos.submit(registrarse, *persona) for persona in personas]
        hasta_que(lambda: sum(f.done() for f in futuros) >= 2, 60)
        topologia.orden("matar", "app1")
        matado = time.monotonic()
        hasta_que(lambda: topologia.servidores_en_haproxy()["app1"].startswith("DOWN"), 10)
        fuera = time.monotonic()
        resultados = [futuro.result(timeout=120) for futuro in futuros]

    assert fuera - matado < 5
    for curp, usuario in personas:  # every account, once
        assert topologia.cuentas_de(curp) == [usuario]
    # Nobody who began after the balancer took app1 out saw an error.
    despues = [intentos for intentos, inicio in resultados if inicio > fuera]
    assert despues and set(despues) == {1}


def test_pgbouncer_reiniciado_la_app_se_recupera_sola(nodos_en_marcha):
    topologia = nodos_en_marcha
    topologia.registrar(topologia.curp_sin_cuenta(), "antes.del.reinicio")

    topologia.orden("detener", "pgbouncer")
    topologia.orden("iniciar", "pgbouncer")

    curp = topologia.curp_sin_cuenta()

    def registrada():
        try:
            topologia.registrar(curp, "despues.del.reinicio")
        except AssertionError:
            return False
        return True

    hasta_que(registrada, 20, cada=0.5)
    assert topologia.cuentas_de(curp) == ["despues.del.reinicio"]


def test_sin_el_primario_un_503_en_espanol_y_luego_se_recupera_solo(nodos_en_marcha):
    topologia = nodos_en_marcha
    topologia.orden("detener", "primario")

    inicio = time.monotonic()
    estado, html, cabeceras = leer(topologia.sitio + PASO_1)
    assert time.monotonic() - inicio < 12
    assert estado == 503 and "Servicio no disponible por el momento" in html
    assert cabeceras["Retry-After"]
    # The home pages do not need the database.
    assert leer(topologia.sitio + "/oficina-virtual/")[0] == 200

    topologia.orden("iniciar", "primario")  # nothing else is restarted
    hasta_que(lambda: leer(topologia.sitio + PASO_1)[0] == 200, 30, cada=0.5)
    topologia.registrar(topologia.curp_sin_cuenta(), "tras.el.primario")


def test_el_listado_del_registro_sale_por_pgbouncer_sin_cursores_de_servidor(topologia):
    """The admin's CSV export streams with .iterator(), a server-side cursor without
    PGBOUNCER=1: in transaction mode its next fetch could reach another connection."""
    contar = (
        "from registro.models import Derechohabiente as D; "
        "print('filas', sum(1 for _ in D.objects.using('default').iterator(chunk_size=1)))"
    )
    salida = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", contar],
        env=topologia.escala.entorno(),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"filas {len(topologia._curps)}" in salida.stdout, salida.stderr


# What ties state to one PostgreSQL connection, which PgBouncer's transaction mode hands to
# another client after each transaction: session-level advisory locks, SET (SET LOCAL and
# set_config(…, true) last one transaction), prepared statements, LISTEN, cursors that
# outlive a transaction. psycopg2 prepares nothing on the server; Django's server-side
# cursors are off with PGBOUNCER=1 (the test above).
ESTADO_DE_SESION = re.compile(
    r"pg_(try_)?advisory_lock(_shared)?\s*\("
    r"|(^|[\"';(]\s*)SET\s+(?!LOCAL\b)(SESSION\s+)?\w+\s*(TO\b|=)"
    r"|set_config\([^)]*,\s*false\s*\)"
    r"|\bPREPARE\s+\w+\s+(\(|AS\b)|\bLISTEN\s+\w+|\bWITH\s+HOLD\b",
    re.IGNORECASE | re.MULTILINE,
)


def test_ninguna_consulta_deja_estado_en_la_conexion():
    raiz = Path(settings.BASE_DIR)
    codigo = [
        archivo
        for carpeta in ("registro", "portal", "oficina_virtual")
        for archivo in (raiz / carpeta).rglob("*.py")
        if "tests" not in archivo.parts
    ]
    assert len(codigo) > 50
    encontrados = {
        str(archivo.relative_to(raiz)): coincidencia.group(0)
        for archivo in codigo
        if (coincidencia := ESTADO_DE_SESION.search(archivo.read_text(encoding="utf-8")))
    }
    assert encontrados == {}
    # The pattern finds what it looks for.
    assert ESTADO_DE_SESION.search('cursor.execute("SET statement_timeout = 5")')
    assert ESTADO_DE_SESION.search("SELECT pg_advisory_lock(1)")
    assert not ESTADO_DE_SESION.search('cursor.execute("SET LOCAL work_mem = 1")')
    assert not ESTADO_DE_SESION.search("UPDATE django_session SET session_data = %s")
