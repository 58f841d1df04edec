from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistroConfig(AppConfig):
    name = "registro"
    verbose_name = _("Registro a la Oficina Virtual")

    def ready(self):
        from .cuentas.actividad import flows  # noqa: F401  (its sign-in receivers)
