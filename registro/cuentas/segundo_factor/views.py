"""The second factor's pages: the code or a passkey at login, the code again before a
high-risk action, and in Mi Oficina Virtual the page to set up the app and passkeys, see how
many recovery codes are left, and make new ones, replace the app or remove a factor (each
after the password again)."""

import functools
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView

from ... import fechas
from ...models import Actividad, AppAutenticadora, LlaveDeAcceso
from .. import enlaces
from ..actividad import dispositivos
from ..actividad import flows as actividad
from ..forms import ConfirmarContrasenaForm
from . import flows, ingreso_pendiente, llaves
from .forms import CodigoDeLaAppForm, CodigoForm

# Session keys: the secret shown while the person sets up the app, until its first code; until
# when they may replace the app they have (after typing their password).
SECRETO_NUEVO = "segundo_factor_secreto_nuevo"
CODIGOS_POR_MOSTRAR = "segundo_factor_codigos_por_mostrar"
CAMBIO_PERMITIDO_HASTA = "segundo_factor_cambio_hasta"

CODIGO_INCORRECTO = _(
    "El código no es correcto o ya se usó. Escriba el código que su app muestra ahora, o uno "
    "de sus códigos de recuperación."
)
PRIMER_CODIGO_INCORRECTO = _(
    "El código no coincide. Revise que la hora de su teléfono sea la correcta y escriba el "
    "código que la app muestra ahora."
)
INGRESO_VENCIDO = _("Pasaron más de 5 minutos. Escriba de nuevo su usuario y contraseña.")


def _solo_si_se_ofrece(vista):
    @functools.wraps(vista)
    def envuelta(request, *args, **kwargs):
        if not flows.ofrecido():
            raise Http404
        return vista(request, *args, **kwargs)

    return envuelta


def _en_el_segundo_paso(request):
    """Whose login waits for its second step now, or None."""
    cuenta = ingreso_pendiente.usuario(request)
    return cuenta if cuenta is not None and flows.se_pide_al_ingresar(cuenta) else None


class _PideUnCodigo(FormView):
    """A code of ``self.cuenta``'s (the app's or a recovery code), then ``verificado``."""

    template_name = "cuentas/formulario.html"
    form_class = CodigoForm

    def form_valid(self, form):
        try:
            como = flows.verificar(self.cuenta, form.cleaned_data["codigo"])
        except flows.Bloqueada:
            ingreso_pendiente.olvidar(self.request)
            return _bloqueada(self.request)
        if como is None:
            form.add_error("codigo", CODIGO_INCORRECTO)
            return self.form_invalid(form)
        return self.verificado(como)


def _bloqueada(request):
    contexto = {
        "titulo": _("Ingreso bloqueado por un tiempo"),
        "mensaje": _(
            "Se escribieron varios códigos equivocados. Por seguridad, espere 15 minutos "
            "antes de intentar de nuevo."
        ),
    }
    return render(request, "cuentas/aviso.html", contexto, status=429)


def _pagina_de_codigos(request, codigos: list[str]):
    """The recovery codes, shown once: never kept by a browser or a cache."""
    respuesta = render(request, "cuentas/codigos_de_recuperacion.html", {"codigos": codigos})
    respuesta["Cache-Control"] = "no-store"
    return respuesta


@method_decorator(never_cache, name="dispatch")
class IngresarCodigoView(_PideUnCodigo):
    """Login's second step, after the right password."""

    template_name = "cuentas/ingresar_codigo.html"
    extra_context = {
        "titulo": _("Verificación en dos pasos"),
        "boton": _("Verificar"),
        "explicacion": _(
            "Escriba el código de 6 dígitos que muestra su app autenticadora. Si no tiene su "
            "teléfono, escriba uno de sus códigos de recuperación."
        ),
    }

    def dispatch(self, request, *args, **kwargs):
        self.cuenta = _en_el_segundo_paso(request)
        if self.cuenta is None:
            messages.info(request, INGRESO_VENCIDO)
            return redirect("cuentas:ingresar")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        con_llave = LlaveDeAcceso.objects.filter(usuario=self.cuenta).exists()
        contexto = super().get_context_data(con_llave=con_llave, **kwargs)
        if not AppAutenticadora.objects.filter(usuario=self.cuenta).exists():
            contexto["explicacion"] = _(
                "Use su llave de acceso (abajo). Si no la tiene a la mano, escriba uno de sus "
                "códigos de recuperación."
            )
        return contexto

    def verificado(self, como: str):
        if como == "recuperacion":
            restantes = flows.codigos_restantes(self.cuenta)
            messages.warning(
                self.request,
                _(
                    "Usó un código de recuperación; le quedan %(n)d. Genere códigos nuevos en "
                    "«Verificación en dos pasos» cuando le queden pocos."
                )
                % {"n": restantes},
            )
        return redirect(ingreso_pendiente.completar(self.request, self.cuenta))


@method_decorator(login_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class ConfirmarConCodigoView(_PideUnCodigo):
    """The second factor again, before a high-risk action (acciones.py); then back to it."""

    extra_context = {
        "titulo": _("Confirme que es usted"),
        "boton": _("Continuar"),
        "explicacion": _(
            "Para este cambio, escriba el código de 6 dígitos que muestra su app "
            "autenticadora, o uno de sus códigos de recuperación."
        ),
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.cuenta = request.user

    def verificado(self, como: str):
        ingreso_pendiente.marcar_verificado(self.request)
        return redirect(enlaces.siguiente_local(self.request, "cuentas:mi_oficina"))


@login_required
@_solo_si_se_ofrece
@require_safe
def segundo_factor(request):
    """What the person has set up, and what they can do with it."""
    app = getattr(request.user, "app_autenticadora", None)
    llaves = list(LlaveDeAcceso.objects.filter(usuario=request.user).order_by("creada_en"))
    contexto = {
        "app": app,
        "activada_en": fechas.fecha(app.activada_en) if app else "",
        "restantes": flows.codigos_restantes(request.user),
        "obligatorio": flows.obligatorio(),
        "llaves": llaves,
        "activa": app is not None or bool(llaves),
    }
    return render(request, "cuentas/segundo_factor.html", contexto)


@method_decorator(never_cache, name="dispatch")
@method_decorator(_solo_si_se_ofrece, name="dispatch")
class ActivarSegundoFactorView(FormView):
    """The QR code and the secret as text, then the app's first code. Signed in, or half way
    through a login where the institution requires it."""

    template_name = "cuentas/activar_segundo_factor.html"
    form_class = CodigoDeLaAppForm

    def dispatch(self, request, *args, **kwargs):
        self.en_el_ingreso = not request.user.is_authenticated
        self.cuenta = ingreso_pendiente.usuario(request) if self.en_el_ingreso else request.user
        if self.cuenta is None or (self.en_el_ingreso and not flows.obligatorio()):
            messages.info(request, INGRESO_VENCIDO)
            return redirect("cuentas:ingresar")
        # Replacing the app that protects the account takes the password first.
        cambio_permitido = request.session.get(CAMBIO_PERMITIDO_HASTA, 0) > time.time()
        if flows.tiene(self.cuenta) and not cambio_permitido:
            return redirect("cuentas:cambiar_app")
        self.secreto = request.session.setdefault(SECRETO_NUEVO, flows.nuevo_secreto())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            qr=flows.qr(self.cuenta, self.secreto),
            secreto=flows.en_grupos(self.secreto),
            emisor=flows.EMISOR,
            cuenta=self.cuenta.username,
            **kwargs,
        )

    def form_valid(self, form):
        codigos = flows.activar(self.cuenta, self.secreto, form.cleaned_data["codigo"])
        if codigos is None:
            form.add_error("codigo", PRIMER_CODIGO_INCORRECTO)
            return self.form_invalid(form)
        actividad.anotar(self.request, self.cuenta, Actividad.Tipo.DOS_PASOS_ACTIVADA)
        del self.request.session[SECRETO_NUEVO]
        self.request.session.pop(CAMBIO_PERMITIDO_HASTA, None)
        if self.en_el_ingreso:
            ingreso_pendiente.completar(self.request, self.cuenta)
        else:
            ingreso_pendiente.marcar_verificado(self.request)
        return _pagina_de_codigos(self.request, codigos)


@method_decorator(login_required, name="dispatch")
@method_decorator(_solo_si_se_ofrece, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class ConContrasenaView(FormView):
    """A change that weakens the account: the password again first."""

    template_name = "cuentas/formulario.html"
    form_class = ConfirmarContrasenaForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "usuario": self.request.user}


class CodigosNuevosView(ConContrasenaView):
    extra_context = {
        "titulo": _("Códigos de recuperación nuevos"),
        "boton": _("Generar códigos nuevos"),
        "explicacion": _(
            "Los códigos que tiene ahora dejarán de servir. Escriba su contraseña para continuar."
        ),
    }

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not flows.tiene(request.user):
            return redirect("cuentas:segundo_factor")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        actividad.anotar(self.request, self.request.user, Actividad.Tipo.CODIGOS_NUEVOS)
        return _pagina_de_codigos(self.request, flows.codigos_nuevos(self.request.user))


class CambiarAppView(ConContrasenaView):
    """Another phone or app: the password, then the activation page for 5 minutes."""

    extra_context = {
        "titulo": _("Cambiar de teléfono o de app"),
        "boton": _("Continuar"),
        "explicacion": _(
            "Enseguida verá un código QR para su app; si ya tenía una, dejará de servir en "
            "cuanto active la nueva. Escriba su contraseña para continuar."
        ),
    }

    def form_valid(self, form):
        self.request.session[CAMBIO_PERMITIDO_HASTA] = time.time() + 5 * 60
        self.request.session.pop(SECRETO_NUEVO, None)
        return redirect("cuentas:activar_segundo_factor")


class QuitarSegundoFactorView(ConContrasenaView):
    extra_context = {
        "titulo": _("Quitar la verificación en dos pasos"),
        "boton": _("Quitar la verificación en dos pasos"),
        "explicacion": _(
            "Su cuenta quedará protegida solo por su contraseña, y sus códigos de recuperación "
            "dejarán de servir. Escriba su contraseña para continuar."
        ),
    }

    def dispatch(self, request, *args, **kwargs):
        if flows.obligatorio():
            raise Http404  # the institution requires it
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        flows.quitar(self.request.user)
        actividad.anotar(self.request, self.request.user, Actividad.Tipo.DOS_PASOS_QUITADA)
        messages.success(self.request, _("Quitó la verificación en dos pasos de su cuenta."))
        return redirect("cuentas:segundo_factor")


# Passkeys: the browser's side is static/js/llaves.js, which speaks JSON with these views.
LLAVE_NO_VERIFICADA = _(
    "No se pudo comprobar la llave de acceso. Intente de nuevo, o escriba un código."
)


def _error(mensaje, estado: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(mensaje)}, status=estado)


@login_required
@_solo_si_se_ofrece
@require_POST
def opciones_para_agregar_llave(request):
    opciones = llaves.opciones_para_agregar(request, request.user)
    return HttpResponse(opciones, content_type="application/json")


@login_required
@_solo_si_se_ofrece
@require_POST
def agregar_llave(request):
    nombre = dispositivos.describir(request.META.get("HTTP_USER_AGENT", ""))
    respuesta = request.body.decode("utf-8", "replace")
    if llaves.agregar(request, request.user, respuesta, nombre) is None:
        return _error(LLAVE_NO_VERIFICADA)
    actividad.anotar(request, request.user, Actividad.Tipo.LLAVE_AGREGADA)
    messages.success(request, _("Agregó una llave de acceso: %(nombre)s.") % {"nombre": nombre})
    if flows.codigos_restantes(request.user) == 0:  # the first factor: its recovery codes
        request.session[CODIGOS_POR_MOSTRAR] = flows.codigos_nuevos(request.user)
        return JsonResponse({"siguiente": reverse("cuentas:codigos_de_recuperacion")})
    return JsonResponse({"siguiente": reverse("cuentas:segundo_factor")})


@login_required
@require_safe
def codigos_de_recuperacion(request):
    """The recovery codes made with a first passkey, shown once (the script that added it
    came here next)."""
    codigos = request.session.pop(CODIGOS_POR_MOSTRAR, None)
    if not codigos:
        return redirect("cuentas:segundo_factor")
    return _pagina_de_codigos(request, codigos)


@require_POST
@never_cache
def opciones_para_ingresar_con_llave(request):
    cuenta = _en_el_segundo_paso(request)
    if cuenta is None:
        return _error(INGRESO_VENCIDO)
    return HttpResponse(
        llaves.opciones_para_ingresar(request, cuenta), content_type="application/json"
    )


@require_POST
@never_cache
def ingresar_con_llave(request):
    cuenta = _en_el_segundo_paso(request)
    if cuenta is None:
        return _error(INGRESO_VENCIDO)
    if not llaves.verificar(request, cuenta, request.body.decode("utf-8", "replace")):
        return _error(LLAVE_NO_VERIFICADA)
    return JsonResponse({"siguiente": ingreso_pendiente.completar(request, cuenta)})


class QuitarLlaveView(ConContrasenaView):
    extra_context = {
        "titulo": _("Quitar una llave de acceso"),
        "boton": _("Quitar la llave de acceso"),
        "explicacion": _(
            "Esa llave ya no servirá para ingresar. Escriba su contraseña para continuar."
        ),
    }

    def form_valid(self, form):
        llave = get_object_or_404(LlaveDeAcceso, pk=self.kwargs["pk"], usuario=self.request.user)
        llave.delete()
        actividad.anotar(self.request, self.request.user, Actividad.Tipo.LLAVE_QUITADA)
        messages.success(
            self.request, _("Quitó la llave de acceso %(nombre)s.") % {"nombre": llave.nombre}
        )
        return redirect("cuentas:segundo_factor")
