from django.conf import settings
from django.utils import timezone

from . import menu

# The URL patterns are the same in both languages (none is translated): English pages are the
# Spanish paths under /en/. Plain string work instead of django.urls.translate_url, which
# resolves and reverses the path on every page view.
PREFIJO_INGLES = "/en/"


def sitio(request):
    """What every page's header and footer need."""
    ruta = request.path
    en_ingles = ruta.startswith(PREFIJO_INGLES)
    return {
        "AVISO_REPLICA": settings.AVISO_REPLICA,
        "ENLACES_SUPERIORES": menu.ENLACES_SUPERIORES,
        "MENU_PRINCIPAL": menu.MENU_PRINCIPAL,
        "SERVICIOS_EN_LINEA_CLAVE": menu.SERVICIOS_EN_LINEA_CLAVE,
        "SERVICIOS_EN_LINEA": menu.SERVICIOS_EN_LINEA,
        "MI_OFICINA_VIRTUAL": menu.MI_OFICINA_VIRTUAL,
        "URL_ENGLISH": ruta if en_ingles else "/en" + ruta,
        "URL_ESPANOL": ruta[len(PREFIJO_INGLES) - 1 :] if en_ingles else ruta,
        "HOY": timezone.localdate(),
    }
