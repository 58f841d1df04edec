from django.conf import settings
from django.urls import translate_url
from django.utils import timezone

from . import menu


def sitio(request):
    """What every page's header and footer need."""
    return {
        "AVISO_REPLICA": settings.AVISO_REPLICA,
        "SERVICIOS_EN_LINEA": menu.SERVICIOS_EN_LINEA,
        "MI_OFICINA_VIRTUAL": menu.MI_OFICINA_VIRTUAL,
        "URL_ENGLISH": translate_url(request.path, "en"),
        "URL_ESPANOL": translate_url(request.path, settings.LANGUAGE_CODE),
        "HOY": timezone.localdate(),
    }
