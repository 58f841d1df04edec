"""make bench-escala: the national topology on this machine (deploy/escala.py) under load (a
benchmark, not a test).

Starts the whole topology in a folder of its own, on free loopback ports, with N_REGISTRO
derechohabientes beside the demo's and the waiting room off (SALA_DE_ESPERA=apagada), and
measures, each for DURACION seconds:

1. nginx: a static file from disk (the physical limit) and the two pages its cache keeps
   for a visitor without a session, the portal and Oficina Virtual home pages, after one
   GET each to fill the cache. wrk -t2 -cCONEXIONES; each page ÷ the static file: the aim is
   0.5 or more.
2. Step 1's page (GET), which the cache never keeps (a CSRF token, cookies), through nginx →
   HAProxy → the app servers and straight to HAProxy (what nginx adds or takes): with two app
   servers, then with one (app2 stopped, and DOWN in HAProxy's statistics before the
   measurement). Two ÷ one is what the second server adds.
3. Step 1's look-up query (bench/busqueda.sql) under pgbench -c4 -j2, straight on the primary
   and straight on the replica, three rounds alternating: the median round's transactions per
   second and mean latency.

Everything (nginx, HAProxy, gunicorn, PgBouncer, both PostgreSQL, wrk, pgbench) shares this
machine's cores: the ratios say what each layer costs here, not what separate machines give.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg2

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("CONEXIONES", "64")
os.environ["SALA_DE_ESPERA"] = "apagada"  # Escala.entorno passes it to the app servers

from bench.servicio import CONEXIONES, DURACION, wrk  # noqa: E402
from deploy.escala import PG_BIN, Escala, base_libre  # noqa: E402

N_REGISTRO = int(os.environ.get("N_REGISTRO", "100000"))
RONDAS = 3  # pgbench runs on each database; the median is shown
PASO_1 = "/oficina-virtual/registro/"
VIAS = {"nginx": "nginx → HAProxy → apps", "haproxy": "directo a HAProxy → apps"}
PAGINAS = {"portal (/)": "/", "Oficina Virtual (/oficina-virtual/)": "/oficina-virtual/"}


def cargar_registro(escala: Escala, carpeta: Path):
    """N_REGISTRO derechohabientes into the primary, before the replica copies it."""
    archivo = carpeta / "registro.csv"
    escala.manage_en_el_primario(
        "generar_derechohabientes", str(N_REGISTRO), "--salida", str(archivo)
    )
    escala.manage_en_el_primario("importar_derechohabientes", str(archivo))
    conexion = psycopg2.connect(escala.url_de_base("primario"))
    conexion.autocommit = True
    conexion.cursor().execute("VACUUM registro_derechohabiente")
    conexion.close()


def pedir(url: str) -> tuple[str, str]:
    """What nginx's cache did (X-Cache) and the page."""
    with urllib.request.urlopen(url, timeout=10) as respuesta:  # noqa: S310 - loopback
        return respuesta.headers.get("X-Cache", "—"), respuesta.read().decode()


def medir_paginas(escala: Escala) -> dict[str, dict]:
    nginx = escala.url("nginx")
    _, portal = pedir(nginx + "/")
    hoja = re.search(r'href="(/static/[^"]+\.css)"', portal).group(1)
    medidas = {f"archivo estático ({hoja.rsplit('/', 1)[1]})": {**wrk(nginx + hoja), "cache": "—"}}
    for nombre, ruta in PAGINAS.items():
        pedir(nginx + ruta)
        cache, _ = pedir(nginx + ruta)
        medidas[nombre] = {**wrk(nginx + ruta), "cache": cache}
    return medidas


def estados_en_haproxy(escala: Escala) -> dict[str, str]:
    """Each app server's state in the backend of ready servers, from HAProxy's CSV."""
    with urllib.request.urlopen(escala.url("estadisticas") + "/;csv", timeout=5) as respuesta:  # noqa: S310
        filas = csv.DictReader(respuesta.read().decode().removeprefix("# ").splitlines())
        return {
            f["svname"]: f["status"]
            for f in filas
            if f["pxname"] == "listos" and f["svname"] != "BACKEND"
        }


def esperar_en_haproxy(escala: Escala, esperados: dict[str, str]) -> str:
    limite = time.monotonic() + 30
    while any(estados_en_haproxy(escala).get(s) != e for s, e in esperados.items()):
        if time.monotonic() > limite:
            raise RuntimeError(f"HAProxy: {estados_en_haproxy(escala)}, se esperaba {esperados}")
        time.sleep(0.5)
    return ", ".join(f"{s} {e}" for s, e in estados_en_haproxy(escala).items())


def medir_servidores(escala: Escala) -> dict[tuple[int, str], dict]:
    """Step 1's page with two app servers, then one; through nginx and straight to HAProxy."""
    medidas = {}
    for servidores in (2, 1):
        if servidores == 1:
            escala.detener(["app2"])
        esperados = {"app1": "UP", "app2": "UP" if servidores == 2 else "DOWN"}
        haproxy = esperar_en_haproxy(escala, esperados)
        for via in ("nginx", "haproxy"):
            url = escala.url(via) + PASO_1
            medidas[servidores, via] = {**wrk(url), "haproxy": haproxy, "cache": pedir(url)[0]}
    return medidas


def pgbench(escala: Escala, nodo: str, ids: tuple[int, int]) -> dict:
    comando = [
        PG_BIN / "pgbench",
        *("-n", "-c4", "-j2", f"-T{DURACION}", "-f", BASE / "bench/busqueda.sql"),
        *("-D", f"minimo={ids[0]}", "-D", f"maximo={ids[1]}"),
        *("-h", "127.0.0.1", "-p", escala.puerto_de(nodo), "-U", "postgres", "oficina_virtual"),
    ]
    salida = subprocess.run(
        [str(parte) for parte in comando], capture_output=True, text=True, check=True
    ).stdout
    fallidas = re.search(r"failed transactions: (\d+)", salida)
    return {
        "tps": float(re.search(r"tps = ([\d.]+)", salida).group(1)),
        "latencia": float(re.search(r"latency average = ([\d.]+) ms", salida).group(1)),
        "fallidas": int(fallidas.group(1)) if fallidas else 0,
    }


def medir_bases(escala: Escala) -> dict[str, dict]:
    with psycopg2.connect(escala.url_de_base("primario")) as conexion, conexion.cursor() as c:
        c.execute("SELECT min(id), max(id) FROM registro_derechohabiente")
        ids = c.fetchone()
    rondas = {"primario": [], "replica": []}
    for _ in range(RONDAS):  # alternating, so that the machine's drift falls on both alike
        for nodo, medidas in rondas.items():
            medidas.append(pgbench(escala, nodo, ids))
    return {nodo: sorted(m, key=lambda r: r["tps"])[RONDAS // 2] for nodo, m in rondas.items()}


def fila_wrk(nombre: str, m: dict, *extra: str) -> str:
    errores = f"{m['errores']}{' (' + m['detalle'] + ')' if m['detalle'] else ''}"
    return (
        f"| {nombre} | {m['rps']:,.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {errores} | "
        + " | ".join(extra)
        + " |"
    )


def imprimir(escala: Escala, paginas: dict, servidores: dict, bases: dict):
    nucleos = os.cpu_count() or 1
    print(
        f"\nMáquina: {os.uname().nodename}, {nucleos} núcleos; wrk -t2 -c{CONEXIONES} "
        f"-d{DURACION}s; {escala.servidores} servidores de aplicación × {escala.trabajadores} "
        f"workers sync; pgbench -c4 -j2 -T{DURACION}, mediana de {RONDAS} por base; "
        f"{N_REGISTRO:,} derechohabientes más los de la demo; sala de espera apagada.\n"
    )
    print("| nginx | req/s | p50 ms | p99 ms | errores | X-Cache | ÷ estático |")
    print("|---|---:|---:|---:|---:|---|---:|")
    estatico = next(iter(paginas.values()))["rps"]
    for nombre, m in paginas.items():
        print(fila_wrk(nombre, m, m["cache"], f"{m['rps'] / estatico:.2f}"))

    print(f"\n| paso 1, GET {PASO_1} | vía | req/s | p50 ms | p99 ms | errores | X-Cache ", end="")
    print("| HAProxy |\n|---|---|---:|---:|---:|---:|---|---|")
    for (n, via), m in servidores.items():
        nombre = f"{n} servidor{'es' * (n > 1)} | {VIAS[via]}"
        print(fila_wrk(nombre, m, m["cache"], m["haproxy"]))
    razones = "; ".join(
        f"{VIAS[via]}, {servidores[2, via]['rps'] / servidores[1, via]['rps']:.2f}" for via in VIAS
    )
    print(f"\n2 servidores ÷ 1: {razones}.")
    if nucleos <= 2:
        print(
            f"Con {nucleos} núcleos, 2 servidores de aplicación no pueden ser más rápidos que "
            "1: sus workers, nginx, HAProxy, PgBouncer, PostgreSQL y wrk se reparten los "
            "mismos núcleos; la razón mide lo que cuesta repartir, no lo que un segundo "
            "servidor añade en otra máquina."
        )

    print("\n| búsqueda del paso 1 (pgbench) | TPS | latencia media ms | fallidas | ÷ primario |")
    print("|---|---:|---:|---:|---:|")
    for nodo, m in bases.items():
        print(
            f"| {nodo} (:{escala.puerto_de(nodo)}) | {m['tps']:,.0f} | {m['latencia']:.3f} "
            f"| {m['fallidas']} | {m['tps'] / bases['primario']['tps']:.2f} |"
        )


def main():
    carpeta = Path(tempfile.mkdtemp(prefix="bench-escala-"))
    carpeta.chmod(0o755)
    escala = Escala.abrir(carpeta, puerto=base_libre(), servidores=2)
    print(f"Topología en {carpeta}, nginx en {escala.url()}", flush=True)
    try:
        escala.iniciar(["primario"])
        print(f"Cargando {N_REGISTRO:,} derechohabientes…", flush=True)
        cargar_registro(escala, carpeta)
        escala.iniciar()
        paginas = medir_paginas(escala)
        servidores = medir_servidores(escala)
        bases = medir_bases(escala)
    finally:
        escala.detener()
    imprimir(escala, paginas, servidores, bases)
    shutil.rmtree(carpeta, ignore_errors=True)


if __name__ == "__main__":
    main()
