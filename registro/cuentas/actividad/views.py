"""Mi actividad, and "No fui yo" from it or from an e-mail's link."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import View

from ...models import Actividad
from ..enlaces import EnlaceInvalido
from ..forms import RecuperarContrasenaForm
from ..mensajes import ENLACE_INVALIDO
from . import flows

POR_PAGINA = 50
VENCIDO = _(
    "El enlace venció: era válido 30 días. Ingrese y revise «Mi actividad», donde puede "
    "avisarnos de lo que no hizo usted."
)
PROTEGIDA = _(
    "Cerramos todas las sesiones de su cuenta y su contraseña dejó de servir. Le enviamos a su "
    "correo electrónico un enlace para elegir una contraseña nueva; es válido 24 horas."
)


def _recuperar(request):
    """Sends the link to choose a new password, as "¿Olvidó su contraseña?" does."""

    def enviar(usuario):
        formulario = RecuperarContrasenaForm({"email": usuario.email})
        if usuario.email and formulario.is_valid():
            formulario.save(request=request, use_https=request.is_secure())

    return enviar


def _protegida(request):
    contexto = {"titulo": _("Protegimos su cuenta"), "mensaje": PROTEGIDA}
    return render(request, "cuentas/aviso.html", contexto)


@login_required
@require_safe
def mi_actividad(request):
    pagina = Paginator(flows.reciente(request.user), POR_PAGINA).get_page(request.GET.get("p"))
    return render(request, "cuentas/mi_actividad.html", {"pagina": pagina})


@login_required
@require_POST
def no_fui_yo_en_mi_actividad(request, pk: int):
    entrada = get_object_or_404(Actividad, pk=pk, usuario=request.user)
    if not flows.no_fui_yo(entrada, _recuperar(request)):
        messages.info(request, _("Ya nos había avisado de esa actividad."))
        return redirect("cuentas:mi_actividad")
    logout(request)
    return _protegida(request)


class NoFuiYoView(View):
    """An e-mail's "No fui yo" link: a page that says what will happen, and its button. The
    link works without signing in: whoever has the password may be signed in, not the owner."""

    def get(self, request, token):
        try:
            entrada = flows.por_enlace(token)
        except EnlaceInvalido as invalido:
            return self._invalido(invalido)
        return render(request, "cuentas/no_fui_yo.html", {"entrada": entrada})

    def post(self, request, token):
        try:
            entrada = flows.por_enlace(token)
        except EnlaceInvalido as invalido:
            return self._invalido(invalido)
        flows.no_fui_yo(entrada, _recuperar(request))
        if request.user.is_authenticated:
            logout(request)
        return _protegida(request)

    def _invalido(self, invalido):
        contexto = {
            "titulo": _("No se pudo usar el enlace"),
            "mensaje": VENCIDO
            if invalido.motivo == "vencido"
            else ENLACE_INVALIDO[invalido.motivo],
            "exito": False,
        }
        return render(self.request, "cuentas/enlace.html", contexto, status=400)
