from django.conf import settings

from . import menu


def sitio(request):
    """What every page's header and footer need."""
    return {
        "AVISO_REPLICA": settings.AVISO_REPLICA,
        "SERVICIOS_EN_LINEA": menu.SERVICIOS_EN_LINEA,
        "MI_OFICINA_VIRTUAL": menu.MI_OFICINA_VIRTUAL,
    }
