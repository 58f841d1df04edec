import contextlib
import csv
import sys

from django.core.management.base import BaseCommand

from registro import importacion, sinteticos


class Command(BaseCommand):
    help = (
        "Escribe un CSV de derechohabientes sintéticos (nombres inventados, CURP válidas), "
        "listo para importar_derechohabientes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cantidad", type=int, default=40)
        parser.add_argument("--semilla", type=int, default=2015)
        parser.add_argument("--salida", help="Archivo de salida; sin él, la salida estándar.")

    def handle(self, cantidad: int, semilla: int, salida: str | None, **options):
        with (
            open(salida, "w", encoding="utf-8", newline="")
            if salida
            else contextlib.nullcontext(sys.stdout)
        ) as archivo:
            escritor = csv.DictWriter(archivo, fieldnames=importacion.ENCABEZADO)
            escritor.writeheader()
            escritor.writerows(sinteticos.generar(cantidad, semilla))
