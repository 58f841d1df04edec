"""Benchmark of the registry at national scale (a benchmark, not a test).

    make bench-registro            # N=14000000 by default; N=1000000 make bench-registro

Into a database of its own (<DATABASE_URL name>_bench, dropped and created anew) it
generates N synthetic derechohabientes, copies the file into an unindexed table with a bare
COPY (the limit), imports it with importar_derechohabientes (validation and indexes
included), re-imports it (nothing changes), times CURP look-ups in the database and prints
the EXPLAIN of every query the CURP step and the admin pages issue. Figures go to
docs/performance.md by hand.
"""

import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")
N = int(os.environ.get("N", "14000000"))

from bench.comun import base_de_datos_propia  # noqa: E402


def medir(nombre, funcion):
    inicio = time.monotonic()
    salida = funcion()
    segundos = time.monotonic() - inicio
    print(f"{nombre:<48} {segundos:8.1f} s  {N / segundos:>12,.0f} filas/s", flush=True)
    return salida


def main():
    os.environ["DATABASE_URL"] = base_de_datos_propia("bench")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(
        f"Máquina: {platform.node()} · {os.cpu_count()} núcleos · Python "
        f"{platform.python_version()} · PostgreSQL {connection.cursor().connection.server_version}"
    )
    call_command("migrate", verbosity=0)
    archivo = Path(tempfile.gettempdir()) / f"derechohabientes-{N}.csv"
    medir(
        "generar_derechohabientes",
        lambda: call_command(
            "generar_derechohabientes", N, salida=str(archivo), stderr=open(os.devnull, "w")
        ),
    )

    def copia_desnuda():
        with connection.cursor() as cursor, open(archivo, "rb") as datos:
            cursor.execute(
                "CREATE TABLE copia_desnuda (curp text, nombre text, "
                "primer_apellido text, segundo_apellido text)"
            )
            cursor.copy_expert("COPY copia_desnuda FROM STDIN (FORMAT csv, HEADER)", datos)
            cursor.execute("DROP TABLE copia_desnuda")

    medir("COPY desnudo a una tabla sin índices (límite)", copia_desnuda)
    medir(
        "importar_derechohabientes (primera carga)",
        lambda: call_command("importar_derechohabientes", archivo, verbosity=2),
    )
    medir(
        "importar_derechohabientes (mismo archivo otra vez)",
        lambda: call_command("importar_derechohabientes", archivo, verbosity=2),
    )

    muestra = [
        linea.split(",")[0]
        for linea in subprocess.run(
            ["shuf", "-n", "2000", str(archivo)], capture_output=True, text=True
        ).stdout.splitlines()
        if not linea.startswith("curp")
    ]
    tiempos = []
    with connection.cursor() as cursor:
        for clave in muestra:
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM registro_derechohabiente "
                "WHERE curp = %s",
                [clave],
            )
            tiempos.append(cursor.fetchone()[0][0]["Execution Time"])
    tiempos.sort()
    print(
        f"Búsqueda por CURP en la base ({len(tiempos)} al azar): p50 "
        f"{statistics.median(tiempos):.3f} ms, p99 {tiempos[int(len(tiempos) * 0.99)]:.3f} ms"
    )

    from django.test.utils import CaptureQueriesContext

    from registro.forms import BusquedaCurpForm

    with CaptureQueriesContext(connection) as consultas:
        BusquedaCurpForm({"curp": random.choice(muestra)}).is_valid()
    with connection.cursor() as cursor:
        for consulta in consultas.captured_queries:
            cursor.execute("EXPLAIN " + consulta["sql"])
            print("\n" + consulta["sql"] + "\n" + "\n".join(f[0] for f in cursor.fetchall()))
    explicar_admin(muestra)
    archivo.unlink()


def explicar_admin(muestra: list[str]):
    """Every registry query of each admin page staff use, with EXPLAIN ANALYZE: the plan's
    top, its time, and whether it reads the registry sequentially."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from registro.models import Derechohabiente

    personal = get_user_model().objects.create_superuser("bench.admin", "admin@x.example", None)
    navegador = Client(HTTP_HOST="localhost")
    navegador.force_login(personal)
    uno = Derechohabiente.objects.get(curp=muestra[0])
    lista = "/admin/registro/derechohabiente/"
    paginas = {
        "lista, primera página": lista,
        "lista, página 1000": lista + "?p=1000",
        "búsqueda por CURP exacta": f"{lista}?q={uno.curp}",
        "búsqueda por inicio del nombre": f"{lista}?q={uno.clave_nombre[:10].replace(' ', '+')}",
        "filtro tipo = pensionado": lista + "?tipo__exact=pensionado",
        "filtro no vigentes": lista + "?vigente__exact=0",
        "filtro con cuenta": lista + "?cuenta=con",
        "filtro sin cuenta": lista + "?cuenta=sin",
        "ficha de un derechohabiente": f"{lista}{uno.pk}/change/",
        "cuentas: búsqueda por CURP": f"/admin/registro/usuario/?q={uno.curp}",
    }
    print("\nAdmin a esta escala (EXPLAIN ANALYZE de cada consulta al registro):")
    for nombre, url in paginas.items():
        with CaptureQueriesContext(connection) as consultas:
            inicio = time.monotonic()
            respuesta = navegador.get(url)
            milisegundos = (time.monotonic() - inicio) * 1000
        print(f"\n{nombre}: HTTP {respuesta.status_code}, {milisegundos:,.0f} ms la página")
        for consulta in consultas.captured_queries:
            sql = consulta["sql"]
            if not sql.startswith("SELECT") or "registro_derechohabiente" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [fila[0] for fila in cursor.fetchall()]
            secuencial = any("Seq Scan on registro_derechohabiente" in linea for linea in plan)
            tiempo = next(linea for linea in plan if linea.startswith("Execution Time"))
            print(f"  {sql[:110]}…")
            print(f"    {plan[0].strip()[:110]}")
            print(f"    {tiempo}{' — LECTURA SECUENCIAL DEL REGISTRO' if secuencial else ''}")


if __name__ == "__main__":
    main()
