"""Limits on new captcha challenges: each image drawn ("Actualizar Imagen", a page with the
captcha) and each reading in audio. Unlimited, one client could mint challenges by the
million, to keep the ones its solver reads best or to fill the table.

Who is counted is what makes the limit fair behind a carrier's NAT, where thousands of phones
share one address (the reasoning of the look-up limits, registro/limites.py):

- a session that passed step 1 (or signed in) counts against itself alone, past
  POR_SESION: the people behind one address who are registering never hold each other back,
  and a new session costs a successful look-up, which the look-up limits bound;
- a client without one (step 1's captcha, or a script that drops its cookies) counts
  against its address, past POR_DIRECCION: room for many people, not for a mint.

Past either, a wait until the oldest challenge counted leaves the window. Counted in the
look-ups' table, keyed hashes only; LIMITES_SOLO_CONTAR counts and logs without applying.
"""

import functools

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from oficina_virtual import metricas

from .. import cliente
from ..limites import Limite, minutos, registrar

POR_SESION = Limite("retos-por-sesion", "retos_por_sesion", "LIMITES_DE_CAPTCHA")
POR_DIRECCION = Limite("retos-por-direccion", "retos_por_direccion", "LIMITES_DE_CAPTCHA")


def espera(request) -> int | None:
    """Count one new challenge for whoever asks: the seconds to wait when past their limit,
    otherwise None."""
    # Reading the session loads it: a made-up or expired key leaves it empty.
    if request.session.items():
        limite, valor = POR_SESION, request.session.session_key
    else:
        limite, valor = POR_DIRECCION, cliente.direccion(request)
    segundos = registrar((limite, valor))
    if segundos is None:
        metricas.RETOS_DE_CAPTCHA.labels("dado").inc()
        return None
    limite.avisar_alcanzado("Captcha")
    if settings.LIMITES_SOLO_CONTAR:
        return None
    metricas.RETOS_DE_CAPTCHA.labels("limitado").inc()
    return segundos


def limitar_retos(vista):
    """The view answers only while the client may have a new challenge; past the limit, the
    "too many images" answer (429, Retry-After) instead."""

    @functools.wraps(vista)
    def con_limite(request, *args, **kwargs):
        segundos = espera(request)
        if segundos is not None:
            return demasiados_retos(request, segundos)
        return vista(request, *args, **kwargs)

    return con_limite


class ConLimiteDeImagenes:
    """For a form view: a page that draws a new image for its form's captcha counts it.
    Past the limit the page still comes, with what was typed, but with no image and a line
    saying when to ask for one (429, Retry-After): nothing typed is lost to a wait."""

    def render_to_response(self, context, **kwargs):
        campo = getattr(context.get("form"), "fields", {}).get("captcha")
        # A page kept in memory names its image itself (widget.clave) and is counted by its
        # view (limitar_retos).
        segundos = espera(self.request) if campo and campo.widget.clave is None else None
        if segundos is None:
            return super().render_to_response(context, **kwargs)
        campo.widget.espera = minutos(segundos)
        respuesta = super().render_to_response(context, **{**kwargs, "status": 429})
        respuesta["Retry-After"] = str(segundos)
        return respuesta


def demasiados_retos(request, segundos: int):
    cuantos = minutos(segundos)
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        # "Actualizar Imagen" with JavaScript: the page stays, with what was typed, and says it.
        mensaje = ngettext(
            "Pidió demasiadas imágenes nuevas. Escriba el código de la imagen que ve, o pida "
            "otra en %(minutos)d minuto.",
            "Pidió demasiadas imágenes nuevas. Escriba el código de la imagen que ve, o pida "
            "otra en %(minutos)d minutos.",
            cuantos,
        ) % {"minutos": cuantos}
        respuesta = JsonResponse({"mensaje": mensaje}, status=429)
    else:
        respuesta = render(
            request, "captcha/demasiados_retos.html", {"minutos": cuantos}, status=429
        )
    respuesta["Retry-After"] = str(segundos)
    return respuesta
