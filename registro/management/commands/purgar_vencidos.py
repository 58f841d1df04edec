import datetime

from captcha.models import CaptchaStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from registro import limites


class Command(BaseCommand):
    help = (
        "Borra lo que ya venció: desafíos de captcha, sesiones y conteos de búsquedas de "
        "más de un día. Prográmelo cada hora (README)."
    )

    def handle(self, **options):
        ahora = timezone.now()
        captchas = CaptchaStore.objects.filter(expiration__lte=ahora).delete()[0]
        sesiones = Session.objects.filter(expire_date__lte=ahora).delete()[0]
        intentos = limites.purgar(ahora - datetime.timedelta(days=1))
        self.stdout.write(
            f"Borrados: {captchas} desafíos de captcha, {sesiones} sesiones, "
            f"{intentos} conteos de búsquedas."
        )
