import datetime
import logging
import time

from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone

from registro import limites
from registro.cuentas.actividad import flows as flows_de_actividad
from registro.sala_de_espera import admision

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Borra lo que ya venció: desafíos de captcha, sesiones, conteos de búsquedas de "
        "más de un día, turnos de la sala de espera de más de 12 horas y la actividad de las "
        "cuentas más vieja que ACTIVIDAD_DIAS. Con --cada MINUTOS sigue corriendo y lo repite "
        "(make run, make serve y deploy/ lo arrancan así); sin él, una vez (para cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cada",
            type=float,
            metavar="MINUTOS",
            help="Repetir cada tantos minutos, sin terminar (5 en una oleada de registros).",
        )

    def handle(self, cada: float | None, **options):
        while True:
            try:
                self.purgar()
            except DatabaseError:
                if cada is None:
                    raise
                # PostgreSQL restarted or unreachable: try again with a new connection.
                logger.exception("No se pudo purgar lo vencido")
                connection.close()
            if cada is None:
                return
            time.sleep(cada * 60)

    def purgar(self):
        ahora = timezone.now()
        captchas = CaptchaStore.objects.filter(expiration__lte=ahora).delete()[0]
        sesiones = Session.objects.filter(expire_date__lte=ahora).delete()[0]
        intentos = limites.purgar(ahora - datetime.timedelta(days=1))
        turnos = admision.purgar(ahora)
        actividad = flows_de_actividad.purgar(
            ahora - datetime.timedelta(days=settings.ACTIVIDAD_DIAS)
        )
        self.stdout.write(
            f"Borrados: {captchas} desafíos de captcha, {sesiones} sesiones, "
            f"{intentos} conteos de búsquedas, {turnos} turnos usados, "
            f"{actividad} registros de actividad."
        )
