"""Pages that every visitor sees alike, kept rendered in each app process.

The portal, the Oficina Virtual home and the CURP step are, for a visitor with no session
and no pending message, a function of the path, the language and the day (the header shows
the date). Rendering them took three quarters of each request (docs/performance.md); they
are rendered once per process and served from memory. The CURP step's form carries a CSRF
token of each visitor's own: the kept copy holds a marker in its place, replaced per request.

Step 2's form ("Crear usuario") differs between people only in a few values — the masked
name, the captcha key, the CSRF token — and rendering it was a fifth of what a registration
costs besides its hash: ``con_huecos`` keeps it with a marker in each of those holes.
Only rendered HTML is kept, never state: every process and server computes the same copy.
A page with no CSRF token is also marked for a shared cache in front (EN_LA_CACHE seconds):
it is the same bytes for every visitor with no session.
"""

import collections
import functools
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.translation import get_language

_PAGINAS: dict[tuple, str] = {}
_MAXIMO = 256  # paths × languages × days: a handful in practice
# Seconds a shared cache in front (nginx, deploy/nginx.conf) may serve such a page without
# asking again; browsers always ask (max-age=0): the same URL shows a signed-in person "Salir".
EN_LA_CACHE = 30
_MARCA_CSRF = f"csrf-{secrets.token_hex(16)}"
# One marker per hole, 40 hex digits: a captcha key's shape, so URLs made of it resolve.
_MARCAS: dict[str, str] = collections.defaultdict(lambda: secrets.token_hex(20))


def _es_visitante_anonimo(request) -> bool:
    galletas = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in galletas
        and CookieStorage.cookie_name not in galletas
    )


def _nada_propio_fuera_de_los_huecos(request) -> bool:
    """Not signed in (the header would say "Salir"), no message waiting, no query string."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not request.user.is_authenticated
        and not messages.get_messages(request)  # counts them; they stay for the next page
    )


def en_memoria(vista):
    """Serve ``vista``'s page to anonymous visitors from the copy kept in this process."""

    @functools.wraps(vista)
    def servir(request, *args, **kwargs):
        if not _es_visitante_anonimo(request):
            return vista(request, *args, **kwargs)
        if (html := _PAGINAS.get(_clave(request))) is None:
            respuesta = vista(request, *args, **kwargs)
            if not isinstance(respuesta, TemplateResponse) or respuesta.status_code != 200:
                return respuesta
            html = _guardar(request, respuesta)
        pagina = _responder(request, html, {})
        if _MARCA_CSRF not in html:  # the same bytes for every visitor with no session
            patch_cache_control(pagina, public=True, max_age=0, s_maxage=EN_LA_CACHE)
        return pagina

    return servir


def con_huecos(
    request,
    renderizar: Callable[[dict[str, str]], TemplateResponse],
    huecos: dict[str, Callable[[], str]],
    variante: str = "",
) -> HttpResponse:
    """The page ``renderizar(valores)`` makes, from a copy kept with a marker in each hole.

    ``huecos`` names each value that differs between people and how to get this request's
    (it is escaped for HTML). The copy is rendered with markers while serving someone: the
    template must show nothing of that person outside the holes. ``variante`` names the page
    when its URL also shows another (the waiting room at step 1's).
    """
    if not _nada_propio_fuera_de_los_huecos(request):
        return renderizar({nombre: valor() for nombre, valor in huecos.items()})
    if (html := _PAGINAS.get(_clave(request, variante))) is None:
        con_marcas = renderizar({nombre: _MARCAS[nombre] for nombre in huecos})
        html = _guardar(request, con_marcas, variante)
    return _responder(request, html, {_MARCAS[nombre]: valor for nombre, valor in huecos.items()})


def _clave(request, variante: str = "") -> tuple:
    return (request.path, variante, get_language(), timezone.localdate())


def _guardar(request, respuesta: TemplateResponse, variante: str = "") -> str:
    respuesta.context_data["csrf_token"] = _MARCA_CSRF
    html = respuesta.render().content.decode()
    if len(_PAGINAS) >= _MAXIMO:
        _PAGINAS.clear()
    _PAGINAS[_clave(request, variante)] = html
    return html


def _responder(request, html: str, valores: dict[str, Callable[[], str]]) -> HttpResponse:
    for marca, valor in {_MARCA_CSRF: lambda: get_token(request), **valores}.items():
        if marca in html:
            html = html.replace(marca, conditional_escape(valor()))
    respuesta = HttpResponse(html)
    # The same URL shows a signed-in person another page ("Salir", messages).
    patch_vary_headers(respuesta, ["Cookie"])
    return respuesta


@receiver(setting_changed)
@receiver(file_changed)
def _olvidar_paginas(**kwargs):
    """A changed setting (tests) or an edited template (runserver) renders them anew."""
    _PAGINAS.clear()
