"""Thin views of the registration's two steps: read the request, call a form or a flow,
choose the response."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from oficina_virtual import metricas
from portal.paginas_en_memoria import con_huecos, en_memoria

from . import flows
from .captcha import reto
from .captcha.limites import ConLimiteDeImagenes, limitar_retos
from .cuentas import enlaces
from .cuentas.flows import RegistroDuplicado, enviar_confirmacion
from .forms import BusquedaCurpForm, RegistroUsuarioForm
from .hashes import ServidorOcupado, reintentar_despues
from .limites import limitar_busquedas
from .mensajes import BUSQUE_PRIMERO, SERVIDOR_OCUPADO
from .models import Derechohabiente
from .padron import curp
from .sala_de_espera.views import gastar_pase, sala_de_espera

# Session keys. The CURP found in step 1 never travels through the step 2 form.
CURP_ENCONTRADA = "registro_curp"
USUARIO_CREADO = "registro_usuario_creado"


@method_decorator(sala_de_espera, name="dispatch")
@method_decorator(en_memoria, name="get")
@method_decorator(limitar_busquedas, name="post")
class BuscarCurpView(ConLimiteDeImagenes, FormView):
    """Registro, step 1: CURP and "Buscar" (and the captcha, when the limits ask for it),
    behind the waiting room."""

    template_name = "registro/curp.html"
    form_class = BusquedaCurpForm

    def get_form_kwargs(self):
        busqueda = getattr(self.request, "busqueda", None)  # a POST, under the limits
        return {**super().get_form_kwargs(), "con_captcha": bool(busqueda and busqueda.captcha)}

    def post(self, request, *args, **kwargs):
        if "actualizar_imagen" in request.POST:
            # Without JavaScript "Actualizar Imagen" submits the form: keep the CURP typed
            # and draw a new image in place of the old one.
            reto.descartar(request.POST.get("captcha_0", ""))
            form = self.form_class(initial={"curp": request.POST.get("curp", "")}, con_captcha=True)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.request.busqueda.resultado = form.resultado
        self.request.session[CURP_ENCONTRADA] = form.cleaned_data["curp"]
        return redirect("registro:usuario")

    def form_invalid(self, form):
        self.request.busqueda.resultado = form.resultado
        # A current account gets the ways in and back, never a second account.
        cuenta_existente = form.has_error("curp", "curp_con_cuenta")
        return self.render_to_response(
            self.get_context_data(form=form, cuenta_existente=cuenta_existente)
        )


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
@method_decorator(limitar_retos, name="get")
class CrearUsuarioView(ConLimiteDeImagenes, FormView):
    """Registro, step 2: user name, password, e-mail, captcha and "Crear usuario"."""

    template_name = "registro/usuario.html"
    form_class = RegistroUsuarioForm

    def dispatch(self, request, *args, **kwargs):
        clave = request.session.get(CURP_ENCONTRADA)
        self.derechohabiente = (
            Derechohabiente.objects.con_su_cuenta(clave) if curp.es_valida(clave) else None
        )
        if self.derechohabiente is None:
            messages.info(request, BUSQUE_PRIMERO)
            return redirect("registro:curp")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "derechohabiente": self.derechohabiente}

    def get(self, request, *args, **kwargs):
        huecos = {
            "nombre": lambda: self.derechohabiente.nombre_enmascarado,
            "captcha": reto.nuevo_reto,
        }
        return con_huecos(request, self._pagina_vacia, huecos)

    def _pagina_vacia(self, valores):
        """The empty form for the name and the captcha in ``valores`` (or their markers)."""
        form = self.get_form()
        form.fields["captcha"].widget.clave = valores["captcha"]
        return self.render_to_response(
            self.get_context_data(form=form, nombre_enmascarado=valores["nombre"])
        )

    def get_context_data(self, **kwargs):
        # Only the masked name of the person: the page is kept with a marker in its place.
        nombre = self.derechohabiente.nombre_enmascarado
        contexto = {"nombre_enmascarado": nombre, "contrasena_minima": settings.CONTRASENA_MINIMA}
        return super().get_context_data(**{**contexto, **kwargs})

    def post(self, request, *args, **kwargs):
        if "actualizar_imagen" in request.POST:
            # Without JavaScript "Actualizar Imagen" submits the form: keep what was
            # typed (never the passwords) and draw a new image in place of the old one.
            reto.descartar(request.POST.get("captcha_0", ""))
            typed = {k: request.POST.get(k, "") for k in ("username", "email")}
            form = self.form_class(initial=typed, derechohabiente=self.derechohabiente)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        datos = form.cleaned_data
        try:
            usuario = flows.crear_cuenta(
                derechohabiente=self.derechohabiente,
                nombre_usuario=datos["username"],
                correo=datos["email"],
                contrasena=datos["password1"],
            )
        except RegistroDuplicado as duplicado:
            form.add_error(duplicado.campo, duplicado.mensaje)
            return self.form_invalid(form)
        except ServidorOcupado as ocupado:
            # Every hashing slot was busy: the form again, as typed (never the passwords).
            form.add_error(None, SERVIDOR_OCUPADO % {"segundos": ocupado.espera})
            return reintentar_despues(self.form_invalid(form), ocupado)
        metricas.CUENTAS_CREADAS.inc()
        del self.request.session[CURP_ENCONTRADA]
        self.request.session[USUARIO_CREADO] = [usuario.username, usuario.email]
        enviar_confirmacion(usuario, enlaces.url_para(self.request, "cuentas:confirmar_correo"))
        respuesta = redirect("registro:creado")
        gastar_pase(self.request, respuesta)
        return respuesta


def usuario_creado(request):
    """Confirms which user name was created; reloading the page shows it again."""
    creado = request.session.get(USUARIO_CREADO)
    if not (
        isinstance(creado, list) and len(creado) == 2 and all(isinstance(x, str) for x in creado)
    ):
        return redirect("registro:curp")
    username, correo = creado
    return render(request, "registro/creado.html", {"username": username, "correo": correo})
