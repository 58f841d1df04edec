"""High-risk actions under SEGUNDO_FACTOR=acciones: changing the password or the e-mail asks
for the second factor again (unless it was given in the last 5 minutes), or for setting it
up first."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import flows, ingreso_pendiente

ACTIVELA_PRIMERO = _(
    "Para hacer este cambio, la Oficina Virtual pide la verificación en dos pasos. Actívela "
    "primero; toma un par de minutos."
)


def de_riesgo(vista):
    """Wraps a signed-in person's view of a high-risk action."""

    @functools.wraps(vista)
    def envuelta(request, *args, **kwargs):
        if not flows.para_acciones_de_riesgo() or not request.user.is_authenticated:
            return vista(request, *args, **kwargs)
        if not flows.tiene(request.user):
            messages.info(request, ACTIVELA_PRIMERO)
            return redirect("cuentas:activar_segundo_factor")
        if ingreso_pendiente.verificado_hace_poco(request):
            return vista(request, *args, **kwargs)
        consulta = urlencode({"siguiente": request.get_full_path()})
        return redirect(f"{reverse('cuentas:confirmar_con_codigo')}?{consulta}")

    return envuelta
