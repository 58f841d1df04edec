"""The portal's and the Oficina Virtual's own pages: home pages, site search, the privacy
notice and the accessibility statement."""

from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from . import busqueda, menu
from .paginas_en_memoria import en_memoria


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


@require_safe
def buscar(request):
    """Site search ("Buscar … IR"): the pages whose title or description has every word of q."""
    consulta = busqueda.recortar(request.GET.get("q", "")).strip()
    resultados = busqueda.buscar(consulta)
    return render(
        request, "oficina/busqueda.html", {"consulta": consulta, "resultados": resultados}
    )


def aviso_de_privacidad(request):
    return render(request, "portal/aviso_de_privacidad.html")


def accesibilidad(request):
    return render(request, "portal/accesibilidad.html")
