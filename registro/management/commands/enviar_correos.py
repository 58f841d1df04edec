import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from registro.cuentas import correo

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Envía los correos que las páginas dejaron en cola (confirmación, recuperación, "
        "cambio de correo y su aviso, nombre de usuario). Sin --una-vez sigue esperando "
        "correos nuevos; corra uno o varios junto al servidor web (README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--una-vez", action="store_true", help="Enviar lo pendiente y terminar."
        )
        parser.add_argument(
            "--pausa",
            type=float,
            default=1.0,
            help="Segundos de espera cuando no hay nada que enviar (1 por omisión).",
        )

    def handle(self, una_vez, pausa, **options):
        while True:
            try:
                enviados = correo.enviar_pendientes()
            except DatabaseError:
                # PostgreSQL restarted or unreachable: try again with a new connection.
                logger.exception("No se pudo leer la cola de correos")
                connection.close()
                enviados = 0
                if una_vez:
                    raise
            if enviados:
                continue
            if una_vez:
                return
            time.sleep(pausa)
