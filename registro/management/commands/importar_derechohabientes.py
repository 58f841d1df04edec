import contextlib
import csv
import signal
import sys
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registro.padron import importacion

MOSTRAR_ERRORES = 100


@contextlib.contextmanager
def ctrl_c_recordado():
    """Ctrl-C raises KeyboardInterrupt as ever, and is remembered: raised while psycopg2 reads
    the file for COPY, it comes out of psycopg2 as QueryCanceled instead."""
    pulsado = threading.Event()

    def al_pulsar(numero, marco):
        pulsado.set()
        signal.default_int_handler(numero, marco)

    anterior = signal.signal(signal.SIGINT, al_pulsar)
    try:
        yield pulsado
    finally:
        signal.signal(signal.SIGINT, anterior)


class Command(BaseCommand):
    help = (
        "Importa derechohabientes de un CSV UTF-8 con encabezado "
        "curp,nombre,primer_apellido,segundo_apellido (y, si se quiere, fecha_nacimiento, "
        "sexo, entidad, tipo, vigente). Si alguna fila tiene errores no importa nada, salvo "
        "con --omitir-errores; las filas rechazadas se escriben en un informe. Importar dos "
        "veces el mismo archivo no cambia nada; una falla o Ctrl-C a medias no deja nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("archivo", type=Path)
        parser.add_argument(
            "--omitir-errores",
            action="store_true",
            help="Importa las filas correctas y solo informa de las que tienen errores.",
        )
        parser.add_argument(
            "--informe",
            type=Path,
            help="CSV de filas rechazadas (línea, CURP, motivo); por omisión ARCHIVO.rechazos.csv",
        )

    def _avance(self):
        en_terminal = sys.stderr.isatty()
        inicio = time.monotonic()

        def avance(filas: int):
            ritmo = filas / max(time.monotonic() - inicio, 1e-9)
            if en_terminal:
                self.stderr.write(f"\r{filas:>12,} filas  {ritmo:>10,.0f} filas/s", ending="")
            elif filas % 1_000_000 == 0:
                self.stderr.write(f"{filas:,} filas leídas ({ritmo:,.0f} filas/s)")

        return avance

    def _informar(self, resultado, archivo: Path, informe: Path | None):
        if not resultado.errores:
            return
        for linea, _, motivo in resultado.errores[:MOSTRAR_ERRORES]:
            self.stderr.write(f"línea {linea}: {motivo}")
        if len(resultado.errores) > MOSTRAR_ERRORES:
            self.stderr.write(f"… y {len(resultado.errores) - MOSTRAR_ERRORES} filas más.")
        informe = informe or archivo.with_name(archivo.name + ".rechazos.csv")
        with open(informe, "w", encoding="utf-8", newline="") as salida:
            escritor = csv.writer(salida)
            escritor.writerow(["linea", "curp", "motivo"])
            escritor.writerows(resultado.errores)
        self.stdout.write(f"Informe de filas rechazadas: {informe}")

    def handle(self, archivo: Path, omitir_errores: bool, informe: Path | None, **options):
        if not archivo.is_file():
            raise CommandError(f"No existe el archivo {archivo}.")
        with ctrl_c_recordado() as pulsado:
            try:
                resultado = importacion.importar(
                    archivo, omitir_errores=omitir_errores, avance=self._avance()
                )
            except importacion.ArchivoInvalido as error:
                raise CommandError(str(error)) from None
            except importacion.ArchivoConErrores as error:
                self._informar(error.args[0], archivo, informe)
                raise CommandError(
                    f"No se importó nada: {len(error.args[0].errores)} filas con errores. "
                    "Corríjalas o use --omitir-errores para importar solo las correctas."
                ) from None
            except BaseException:  # whatever Ctrl-C came out as
                if not pulsado.is_set():
                    raise
                raise CommandError(
                    "Importación interrumpida: no se importó nada, el registro quedó como estaba.",
                    returncode=130,  # what a shell reports for a program stopped by Ctrl-C
                ) from None
        if sys.stderr.isatty() and resultado.leidas >= 100_000:
            self.stderr.write("")
        self._informar(resultado, archivo, informe)
        if options["verbosity"] > 1:
            for fase, segundos in resultado.segundos.items():
                self.stdout.write(f"{fase}: {segundos:.1f} s")
        self.stdout.write(
            f"Importación terminada: {resultado.nuevos} nuevos, {resultado.actualizados} "
            f"actualizados, {resultado.sin_cambios} sin cambios, "
            f"{len(resultado.errores)} filas omitidas por errores."
        )
