"""Thin views for the account's life: confirm the e-mail, log in, Mi Oficina Virtual,
change password or e-mail, recover a forgotten password or user name."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView, View

from portal import menu

from .. import sesiones
from ..models import Actividad, Usuario
from ..padron import curp
from . import enlaces, flows
from .actividad import flows as actividad
from .forms import (
    CambioContrasenaForm,
    CambioCorreoForm,
    IngresoForm,
    NuevaContrasenaForm,
    RecordarUsuarioForm,
    RecuperarContrasenaForm,
)
from .mensajes import ENLACE_INVALIDO, SEGUNDO_FACTOR_OBLIGATORIO
from .segundo_factor import flows as segundo_factor
from .segundo_factor import ingreso_pendiente
from .segundo_factor.acciones import de_riesgo

# Session key: the account that just proved its password but has not confirmed its e-mail.
REENVIAR_A = "cuenta_reenviar_confirmacion"


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class IngresarView(auth_views.LoginView):
    """ "Ingresar" to the Oficina Virtual."""

    template_name = "cuentas/ingresar.html"
    authentication_form = IngresoForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Signed in now, or after the second step: the code, or setting up the app where the
        institution requires it."""
        cuenta = form.get_user()
        if segundo_factor.se_pide_al_ingresar(cuenta):
            segundo_paso = "cuentas:ingresar_codigo"
        elif segundo_factor.obligatorio() and not cuenta.is_staff:
            segundo_paso = "cuentas:activar_segundo_factor"
            messages.info(self.request, SEGUNDO_FACTOR_OBLIGATORIO)
        else:
            return super().form_valid(form)
        ingreso_pendiente.guardar(self.request, cuenta, self.get_success_url())
        return redirect(segundo_paso)

    def form_invalid(self, form):
        sin_confirmar = getattr(form, "sin_confirmar", None)
        if sin_confirmar is not None:
            self.request.session[REENVIAR_A] = sin_confirmar.pk
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        puede_reenviar = REENVIAR_A in self.request.session
        return super().get_context_data(puede_reenviar=puede_reenviar, **kwargs)


@require_POST
def reenviar_confirmacion(request):
    pk = request.session.pop(REENVIAR_A, None)
    usuario = Usuario.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if usuario is not None and not usuario.correo_confirmado:
        flows.enviar_confirmacion(usuario, enlaces.url_para(request, "cuentas:confirmar_correo"))
        messages.success(
            request, _("Le enviamos un enlace nuevo a su correo electrónico. Es válido 24 horas.")
        )
    return redirect("cuentas:ingresar")


class SeguirEnlaceView(View):
    """A link from an e-mail, followed: ``flujo(token)`` does what it stands for. The page
    says it was ``hecho`` (title, message) or, under the title ``fallido``, why not."""

    http_method_names = ["get", "head"]
    flujo = None
    hecho = ("", "")
    fallido = ""
    despues = None  # despues(request, what flujo returned), once the link did its work

    def get(self, request, token):
        try:
            hecho = self.flujo(token)
        except enlaces.EnlaceInvalido as invalido:
            return self._pagina(self.fallido, ENLACE_INVALIDO[invalido.motivo], exito=False)
        except flows.RegistroDuplicado as duplicado:
            return self._pagina(self.fallido, duplicado.mensaje, exito=False)
        if self.despues:
            self.despues(request, hecho)
        return self._pagina(*self.hecho, exito=True)

    def _pagina(self, titulo, mensaje, *, exito: bool):
        contexto = {"titulo": titulo, "mensaje": mensaje, "exito": exito}
        return render(self.request, "cuentas/enlace.html", contexto, status=200 if exito else 400)


@login_required
def mi_oficina(request):
    usuario = request.user
    derechohabiente = usuario.derechohabiente
    contexto = {
        "derechohabiente": derechohabiente,
        "curp_enmascarada": curp.enmascarar(derechohabiente.curp) if derechohabiente else "",
        "servicios": [s for s in menu.SERVICIOS_EN_LINEA if s[0] != menu.MI_OFICINA_VIRTUAL],
        "segundo_factor": segundo_factor.ofrecido(),
        "con_segundo_factor": segundo_factor.tiene(usuario),
    }
    return render(request, "cuentas/mi_oficina.html", contexto)


@login_required
@require_POST
def cerrar_sesiones(request):
    """ "Cerrar sesión en todos los dispositivos": this one and every other."""
    actividad.anotar(request, request.user, Actividad.Tipo.SESIONES_CERRADAS)
    flows.cerrar_todas_las_sesiones(request.user)
    logout(request)
    messages.success(request, _("Se cerró su sesión en todos los dispositivos."))
    return redirect("cuentas:ingresar")


@login_required
@require_safe
def seguir_en_la_sesion(request):
    """The warning's "Seguir en la sesión": the hour starts again; back where they were."""
    sesiones.renovar(request)
    return redirect(enlaces.siguiente_local(request, "cuentas:mi_oficina"))


@method_decorator(de_riesgo, name="dispatch")
class CambiarContrasenaView(auth_views.PasswordChangeView):
    template_name = "cuentas/formulario.html"
    form_class = CambioContrasenaForm
    success_url = reverse_lazy("cuentas:mi_oficina")
    extra_context = {"titulo": _("Cambiar contraseña"), "boton": _("Cambiar contraseña")}

    def form_valid(self, form):
        respuesta = super().form_valid(form)
        actividad.anotar(self.request, form.user, Actividad.Tipo.CONTRASENA)
        messages.success(self.request, _("Su contraseña se cambió."))
        return respuesta


@method_decorator(login_required, name="dispatch")
@method_decorator(de_riesgo, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class CambiarCorreoView(FormView):
    template_name = "cuentas/formulario.html"
    form_class = CambioCorreoForm
    extra_context = {
        "titulo": _("Cambiar correo electrónico"),
        "boton": _("Enviar enlace de confirmación"),
        "explicacion": _(
            "Le enviaremos un enlace a la dirección nueva. El cambio toma efecto cuando lo "
            "siga; mientras tanto, su correo actual sigue vigente."
        ),
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "usuario": self.request.user}

    def form_valid(self, form):
        url_para = enlaces.url_para(self.request, "cuentas:confirmar_cambio_correo")
        nuevo = form.cleaned_data["email"]
        flows.solicitar_cambio_de_correo(self.request.user, nuevo, url_para)
        messages.success(
            self.request,
            _("Le enviamos un enlace a su correo nuevo. Sígalo en las próximas 24 horas."),
        )
        return redirect("cuentas:mi_oficina")


class RecuperarContrasenaView(auth_views.PasswordResetView):
    """ "¿Olvidó su contraseña?": the same answer whether or not the address has an account."""

    template_name = "cuentas/formulario.html"
    form_class = RecuperarContrasenaForm
    success_url = reverse_lazy("cuentas:recuperar_contrasena_enviado")
    extra_context = {
        "titulo": _("¿Olvidó su contraseña?"),
        "boton": _("Enviar enlace"),
        "explicacion": _(
            "Escriba el correo electrónico de su cuenta. Le enviaremos un enlace para elegir "
            "una contraseña nueva; es válido 24 horas."
        ),
    }

    def form_valid(self, form):
        respuesta = super().form_valid(form)  # the form keeps the accounts it wrote to
        for cuenta in form.encontradas:
            actividad.anotar(self.request, cuenta, Actividad.Tipo.RECUPERACION)
        return respuesta


class RecuperarContrasenaConfirmarView(auth_views.PasswordResetConfirmView):
    template_name = "cuentas/formulario.html"
    form_class = NuevaContrasenaForm
    success_url = reverse_lazy("cuentas:recuperar_contrasena_listo")
    extra_context = {
        "titulo": _("Elija una contraseña nueva"),
        "boton": _("Guardar contraseña"),
        "mensaje_enlace_invalido": ENLACE_INVALIDO["usado"],
    }

    def form_valid(self, form):
        respuesta = super().form_valid(form)
        actividad.anotar(self.request, form.user, Actividad.Tipo.CONTRASENA_RECUPERADA)
        return respuesta


def aviso(titulo, mensaje):
    """A page that only says something (e.g. "if the account exists, we sent an e-mail")."""

    @require_safe
    def vista(request):
        return render(request, "cuentas/aviso.html", {"titulo": titulo, "mensaje": mensaje})

    return vista


class RecordarUsuarioView(FormView):
    """ "¿Olvidó su usuario?": the user name goes by e-mail, never onto the page."""

    template_name = "cuentas/formulario.html"
    form_class = RecordarUsuarioForm
    extra_context = {
        "titulo": _("¿Olvidó su usuario?"),
        "boton": _("Enviar mi usuario"),
        "explicacion": _(
            "Escriba su CURP y el correo electrónico de su cuenta. Le enviaremos su nombre de "
            "usuario a ese correo."
        ),
    }

    def form_valid(self, form):
        flows.recordar_usuario(
            form.cleaned_data["curp"],
            form.cleaned_data["email"],
            self.request.build_absolute_uri(reverse("cuentas:ingresar")),
        )
        return redirect("cuentas:recordar_usuario_enviado")
