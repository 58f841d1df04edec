"""make bench-trabajadores: which gunicorn worker class and how many, by measurement.

The same production settings and database as make bench (N_REGISTRO derechohabientes),
served by each configuration in turn: wrk loads the portal, the found-CURP look-up and
the login (Argon2) and the table prints requests per second, p99 and errors of each.
"""

import os
import sys
import tempfile
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servicio  # noqa: E402

# (class, workers, threads per worker)
CONFIGURACIONES = [
    ("sync", 2, 1),
    ("sync", 4, 1),
    ("sync", 8, 1),
    ("gthread", 2, 4),
    ("gthread", 4, 4),
]


def olvidar_intentos(entorno: dict):
    """Each configuration starts with no look-up counted against the limits."""
    with psycopg2.connect(entorno["DATABASE_URL"]) as conexion, conexion.cursor() as cursor:
        cursor.execute("DELETE FROM registro_intento")


def main():
    carpeta = Path(tempfile.mkdtemp(prefix="bench-trabajadores-"))
    entorno = servicio.entorno_de_bench(carpeta)
    print(f"Preparando {servicio.N_REGISTRO:,} derechohabientes…", flush=True)
    datos = servicio.preparar(entorno, carpeta)
    filas = []
    for clase, trabajadores, hilos in CONFIGURACIONES:
        olvidar_intentos(entorno)
        proceso = servicio.iniciar_gunicorn(
            entorno,
            8801,
            WEB_CONCURRENCY=str(trabajadores),
            GUNICORN_CMD_ARGS=f"--worker-class {clase} --threads {hilos}",
        )
        try:
            servidor = "http://127.0.0.1:8801"
            ficha = servicio.csrf(servidor + "/oficina-virtual/registro/")
            ficha_ingreso = servicio.csrf(servidor + "/oficina-virtual/ingresar/")
            portal = servicio.wrk(servidor + "/")
            busqueda = servicio.wrk(
                servidor,
                servicio.lua_post(
                    "/oficina-virtual/registro/", {}, "curp", datos["encontradas"], ficha
                ),
                carpeta,
            )
            ingreso = servicio.wrk(
                servidor,
                servicio.ingreso(ficha_ingreso),
                carpeta,
                servicio.CALENTAMIENTO + servicio.DURACION,
            )
        finally:
            proceso.terminate()
            proceso.wait(timeout=15)
        filas.append((f"{clase} {trabajadores}×{hilos}", portal, busqueda, ingreso))
        print(f"{clase} {trabajadores}×{hilos} medido", flush=True)

    print(
        f"\nMáquina: {os.uname().nodename}, {os.cpu_count()} núcleos; wrk -c{servicio.CONEXIONES}"
    )
    print(
        "| workers × hilos | portal req/s | p99 ms | CURP (POST) req/s | p99 ms | ingresar req/s "
        "| p99 ms | errores |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for nombre, *medidas in filas:
        celdas = " | ".join(f"{m['rps']:,.1f} | {m['p99']:.1f}" for m in medidas)
        print(f"| {nombre} | {celdas} | {sum(m['errores'] for m in medidas)} |")


if __name__ == "__main__":
    main()
