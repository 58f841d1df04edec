"""Pages that every anonymous visitor sees alike, kept rendered in each app process.

The portal, the Oficina Virtual home and the CURP step are, for a visitor with no session
and no pending message, a function of the path, the language and the day (the header shows
the date). Rendering them took three quarters of each request (docs/performance.md); they
are rendered once per process and served from memory. The CURP step's form carries a CSRF
token of each visitor's own: the kept copy holds a marker in its place, replaced per request.
Only rendered HTML is kept, never state: every process and server computes the same copy.
"""

import functools
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

_PAGINAS: dict[tuple, str] = {}
_MAXIMO = 256  # paths × languages × days: a handful in practice
_MARCA_CSRF = f"csrf-{secrets.token_hex(16)}"


def _es_visitante_anonimo(request) -> bool:
    galletas = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in galletas
        and CookieStorage.cookie_name not in galletas
    )


def en_memoria(vista):
    """Serve ``vista``'s page to anonymous visitors from the copy kept in this process."""

    @functools.wraps(vista)
    def servir(request, *args, **kwargs):
        if not _es_visitante_anonimo(request):
            return vista(request, *args, **kwargs)
        clave = (request.path, get_language(), timezone.localdate())
        if (html := _PAGINAS.get(clave)) is None:
            respuesta = vista(request, *args, **kwargs)
            if not isinstance(respuesta, TemplateResponse) or respuesta.status_code != 200:
                return respuesta
            respuesta.context_data["csrf_token"] = _MARCA_CSRF
            html = respuesta.render().content.decode()
            if len(_PAGINAS) >= _MAXIMO:
                _PAGINAS.clear()
            _PAGINAS[clave] = html
        if _MARCA_CSRF in html:
            html = html.replace(_MARCA_CSRF, get_token(request))
        respuesta = HttpResponse(html)
        # The same URL shows a signed-in person another page ("Salir", messages).
        patch_vary_headers(respuesta, ["Cookie"])
        return respuesta

    return servir


@receiver(setting_changed)
@receiver(file_changed)
def _olvidar_paginas(**kwargs):
    """A changed setting (tests) or an edited template (runserver) renders them anew."""
    _PAGINAS.clear()
