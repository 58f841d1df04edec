from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registro import importacion


class Command(BaseCommand):
    help = (
        "Importa derechohabientes de un CSV UTF-8 con encabezado "
        "curp,nombre,primer_apellido,segundo_apellido. Si alguna fila tiene errores no "
        "importa nada, salvo con --omitir-errores. Importar dos veces el mismo archivo no "
        "cambia nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("archivo", type=Path)
        parser.add_argument(
            "--omitir-errores",
            action="store_true",
            help="Importa las filas correctas y solo informa de las que tienen errores.",
        )

    def handle(self, archivo: Path, omitir_errores: bool, **options):
        if not archivo.is_file():
            raise CommandError(f"No existe el archivo {archivo}.")
        try:
            lectura = importacion.leer(archivo)
        except importacion.ArchivoInvalido as error:
            raise CommandError(str(error)) from None
        for linea, motivo in lectura.errores:
            self.stderr.write(f"línea {linea}: {motivo}")
        if lectura.errores and not omitir_errores:
            raise CommandError(
                f"No se importó nada: {len(lectura.errores)} filas con errores. "
                "Corríjalas o use --omitir-errores para importar solo las correctas."
            )
        resultado = importacion.guardar(lectura.filas)
        self.stdout.write(
            f"Importación terminada: {resultado.nuevos} nuevos, {resultado.actualizados} "
            f"actualizados, {resultado.sin_cambios} sin cambios, "
            f"{len(lectura.errores)} filas omitidas por errores."
        )
