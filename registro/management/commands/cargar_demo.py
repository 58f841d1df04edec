from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from registro.models import Derechohabiente

ARCHIVO_DEMO = settings.BASE_DIR / "datos" / "derechohabientes-demo.csv"


class Command(BaseCommand):
    help = "Carga los derechohabientes de demostración (sintéticos) si el registro está vacío."

    def handle(self, **options):
        if Derechohabiente.objects.exists():
            self.stdout.write(
                "El registro de derechohabientes ya tiene datos; no se cargó la demostración."
            )
            return
        call_command(
            "importar_derechohabientes", ARCHIVO_DEMO, stdout=self.stdout, stderr=self.stderr
        )
