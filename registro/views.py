"""Thin views: read the request, call a form or a flow, choose the response."""

import math
import sys

from django.contrib import messages
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView

from . import busqueda, cliente, curp, flows, limites, menu
from .forms import BusquedaCurpForm, RegistroUsuarioForm, nuevo_reto
from .mensajes import BUSQUE_PRIMERO
from .models import Derechohabiente
from .paginas_en_memoria import con_huecos, en_memoria
from .views_cuenta import url_absoluta

# Session keys. The CURP found in step 1 never travels through the step 2 form.
CURP_ENCONTRADA = "registro_curp"
USUARIO_CREADO = "registro_usuario_creado"


@method_decorator(en_memoria, name="get")
class PortalView(TemplateView):
    template_name = "portal/inicio.html"


@method_decorator(en_memoria, name="get")
class OficinaVirtualView(TemplateView):
    template_name = "oficina/inicio.html"


def no_disponible(request, seccion: str):
    """Menu items outside this replica lead here, never to a 404."""
    if seccion not in menu.NO_DISPONIBLES:
        raise Http404
    return render(request, "portal/no_disponible.html", {"titulo": menu.NO_DISPONIBLES[seccion]})


@method_decorator(en_memoria, name="get")
class BuscarCurpView(FormView):
    """Registro, step 1: CURP and "Buscar"; look-ups are limited per address and per CURP."""

    template_name = "registro/curp.html"
    form_class = BusquedaCurpForm

    def post(self, request, *args, **kwargs):
        clave = curp.normalizar(request.POST.get("curp", ""))[:40]
        contados = [(limites.BUSQUEDAS_POR_DIRECCION, cliente.direccion(request))]
        if clave:
            contados.append((limites.BUSQUEDAS_POR_CURP, clave))
        espera = limites.registrar(*contados)
        if espera is not None:
            minutos = max(1, math.ceil(espera / 60))
            respuesta = render(
                request, "registro/demasiadas_busquedas.html", {"minutos": minutos}, status=429
            )
            respuesta["Retry-After"] = str(espera)
            return respuesta
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.request.session[CURP_ENCONTRADA] = form.cleaned_data["curp"]
        return redirect("registro:usuario")

    def form_invalid(self, form):
        # A current account gets the ways in and back, never a second account.
        cuenta_existente = form.has_error("curp", "curp_con_cuenta")
        return self.render_to_response(
            self.get_context_data(form=form, cuenta_existente=cuenta_existente)
        )


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class CrearUsuarioView(FormView):
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
            "captcha": nuevo_reto,
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
        return super().get_context_data(**{"nombre_enmascarado": nombre, **kwargs})

    def post(self, request, *args, **kwargs):
        if "actualizar_imagen" in request.POST:
            # Without JavaScript "Actualizar Imagen" submits the form: keep what was
            # typed (never the passwords) and draw a new image.
            typed = {k: request.POST.get(k, "") for k in ("username", "email")}
            form = self.form_class(initial=typed, derechohabiente=self.derechohabiente)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        datos = form.cleaned_data
        try:
            usuario = flows.crear_cuenta(
                self.derechohabiente,
                datos["username"],
                datos["email"],
                datos["password1"],
                anterior=form.instance if form.instance.pk else None,
            )
        except flows.RegistroDuplicado as duplicado:
            form.add_error(duplicado.campo, duplicado.mensaje)
            return self.form_invalid(form)
        del self.request.session[CURP_ENCONTRADA]
        self.request.session[USUARIO_CREADO] = [usuario.username, usuario.email]
        url_para = url_absoluta(self.request)("registro:confirmar_correo")
        flows.enviar_confirmacion(usuario, url_para)
        return redirect("registro:creado")


def usuario_creado(request):
    """Confirms which user name was created; reloading the page shows it again."""
    creado = request.session.get(USUARIO_CREADO)
    if not (
        isinstance(creado, list) and len(creado) == 2 and all(isinstance(x, str) for x in creado)
    ):
        return redirect("registro:curp")
    username, correo = creado
    return render(request, "registro/creado.html", {"username": username, "correo": correo})


@require_safe
def buscar(request):
    """Site search ("Buscar … IR"): the pages whose title or description has every word of q."""
    consulta = busqueda.recortar(request.GET.get("q", "")).strip()
    resultados = busqueda.buscar(consulta)
    return render(
        request, "oficina/busqueda.html", {"consulta": consulta, "resultados": resultados}
    )


@require_safe
def salud(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return HttpResponse("base de datos: sin respuesta\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def error_del_servidor(request):
    """handler500. A database that does not answer is a 503 ("try again shortly"); the page
    is rendered without the request, so that it needs no database itself."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("500.html"), status=500)


def aviso_de_privacidad(request):
    return render(request, "registro/aviso_de_privacidad.html")
