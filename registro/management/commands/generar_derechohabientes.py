import contextlib
import itertools
import sys
import time

from django.core.management.base import BaseCommand

from registro.padron import importacion, sinteticos


class Command(BaseCommand):
    help = (
        "Escribe un CSV de N derechohabientes sintéticos, distintos y válidos (apellidos "
        "inventados, todas las entidades, dígito verificador correcto), listo para "
        "importar_derechohabientes. La misma --semilla da el mismo archivo."
    )

    def add_arguments(self, parser):
        parser.add_argument("cantidad", nargs="?", type=int, default=40)
        parser.add_argument("--semilla", type=int, default=2015)
        parser.add_argument("--salida", help="Archivo de salida; sin él, la salida estándar.")

    def handle(self, cantidad: int, semilla: int, salida: str | None, **options):
        inicio = time.monotonic()
        with (
            open(salida, "w", encoding="utf-8", newline="", buffering=1 << 20)
            if salida
            else contextlib.nullcontext(sys.stdout)
        ) as archivo:
            archivo.write(",".join(importacion.ENCABEZADO) + "\n")
            lineas = sinteticos.lineas(cantidad, semilla)
            while lote := list(itertools.islice(lineas, 100_000)):
                archivo.writelines(lote)
        if salida:
            segundos = time.monotonic() - inicio
            self.stderr.write(
                f"{cantidad} derechohabientes escritos en {salida} en {segundos:.1f} s "
                f"({cantidad / max(segundos, 1e-9):,.0f} filas/s)."
            )
