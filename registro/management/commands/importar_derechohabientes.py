import csv
import signal
import sys
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registro.padron import importacion

MOSTRAR_ERRORES = 100


class CtrlC:
    """Ctrl-C while the import runs, as a context manager: it raises KeyboardInterrupt as ever
    and is remembered, for psycopg2 turns one raised while it reads the file for COPY into
    QueryCanceled; once the import is committing (``confirmando``) it only is remembered, so
    that "nothing was imported" is never said of an import that was. Only where Ctrl-C does
    its default in the main thread: elsewhere nothing changes."""

    def __init__(self):
        self.pulsado = self.confirmando = False
        self.anterior = None

    def __enter__(self):
        propio = threading.current_thread() is threading.main_thread()
        if propio and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.anterior = signal.signal(signal.SIGINT, self._al_pulsar)
        return self

    def __exit__(self, *_):
        if self.anterior is not None:
            signal.signal(signal.SIGINT, self.anterior)

    def _al_pulsar(self, numero, marco):
        self.pulsado = True
        if not self.confirmando:
            signal.default_int_handler(numero, marco)


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
        with CtrlC() as ctrl_c:
            try:
                with transaction.atomic():
                    resultado = importacion.importar(
                        archivo, omitir_errores=omitir_errores, avance=self._avance()
                    )
                    ctrl_c.confirmando = True
            except importacion.ArchivoInvalido as error:
                raise CommandError(str(error)) from None
            except importacion.ArchivoConErrores as error:
                self._informar(error.args[0], archivo, informe)
                raise CommandError(
                    f"No se importó nada: {len(error.args[0].errores)} filas con errores. "
                    "Corríjalas o use --omitir-errores para importar solo las correctas."
                ) from None
            except BaseException:  # whatever Ctrl-C came out as
                if not ctrl_c.pulsado or ctrl_c.confirmando:
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
