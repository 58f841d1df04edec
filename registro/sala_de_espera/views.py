"""The waiting room in front of step 1: the same URL shows the line or the registration.

A person who arrives takes a turn (a signed cookie) and, while their turn is not admitted,
sees the waiting page: their place, an estimated wait, and a ``Refresh`` header that brings
them back by itself, no JavaScript needed. Once admitted, the same URL shows step 1 and a
pass (another signed cookie) lets them look up their CURP for SALA_DE_ESPERA_ADMISION
minutes. Polls cost no query: the turn is in the cookie, the admission number in this
process's memory (admision.sala), the page kept rendered with holes.

While a line exists, a look-up needs a pass, claimed by the first session that uses it;
without a line ("automatica" and nobody waiting) look-ups go ahead as before. Step 2 needs
no pass: it needs step 1's CURP, and a person there is never sent back to the line.
"""

import functools
import math

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from oficina_virtual import metricas
from portal.paginas_en_memoria import con_huecos
from registro.mensajes import ADMISION_TERMINADA, TURNO_USADO

from . import admision, turnos

# The session's record of the turn it claimed: later look-ups of that session need no claim.
TURNO_RECLAMADO = "sala_turno_reclamado"
REFRESCAR_MINIMO, REFRESCAR_MAXIMO = 2, 30  # seconds between polls
REFRESCAR_EN_PAUSA = 10  # while the operator holds the line (a rate of 0)


def sala_de_espera(vista):
    """Put step 1 (GET and POST) behind the waiting room."""

    @functools.wraps(vista)
    def ante_la_sala(request, *args, **kwargs):
        sala = admision.sala()
        if sala.modo == admision.APAGADA:
            return vista(request, *args, **kwargs)
        if request.method == "POST":
            return _con_pase(request, sala, vista, *args, **kwargs)
        if turnos.pase(request) is not None:
            return vista(request, *args, **kwargs)
        turno = turnos.turno(request)
        nuevo = turno is None
        if nuevo:
            turno = admision.nuevo_turno()
        if not sala.admite(turno):
            metricas.SALA_DE_ESPERA.labels("espera").inc()
            respuesta = pagina_de_espera(request, sala, turno)
            if nuevo:
                turnos.dar_turno(respuesta, turno)
            return respuesta
        metricas.SALA_DE_ESPERA.labels("admitida").inc()
        respuesta = vista(request, *args, **kwargs)
        turnos.dar_pase(request, respuesta, turno)
        return respuesta

    return ante_la_sala


def _con_pase(request, sala, vista, *args, **kwargs):
    """A look-up: goes ahead without a line, or with a pass this session holds or claims."""
    if not sala.con_fila:
        return vista(request, *args, **kwargs)
    pase = turnos.pase(request)
    reclamado = request.session.get(TURNO_RECLAMADO)
    if pase is not None and (reclamado == pase or admision.reclamar(pase)):
        if reclamado != pase:
            request.session[TURNO_RECLAMADO] = pase
        return vista(request, *args, **kwargs)
    metricas.SALA_DE_ESPERA.labels("sin_pase").inc()
    messages.info(request, ADMISION_TERMINADA if pase is None else TURNO_USADO)
    respuesta = redirect("registro:curp")
    turnos.quitar_pase(respuesta)
    return respuesta


def gastar_pase(request, respuesta) -> None:
    """The admission made its account: a new registration takes a new turn."""
    request.session.pop(TURNO_RECLAMADO, None)
    if turnos.PASE in request.COOKIES:
        turnos.quitar_pase(respuesta)


def pagina_de_espera(request, sala: admision.Sala, turno: int):
    """200, so that a browser shows it and a balancer counts it as served."""
    lugar, cada, segundos = sala.lugar(turno), *_recarga_y_espera(sala.espera(turno))
    huecos = {
        "lugar": lambda: str(lugar),
        "espera_segundos": lambda: "" if segundos is None else str(segundos),
        "espera": lambda: _espera_en_palabras(segundos),
    }

    def renderizar(valores):
        contexto = {**valores, "minutos": settings.SALA_DE_ESPERA_ADMISION}
        return TemplateResponse(request, "registro/sala_de_espera.html", contexto)

    respuesta = con_huecos(request, renderizar, huecos, variante="sala_de_espera")
    respuesta["Refresh"] = str(cada)
    respuesta["Cache-Control"] = "no-store"
    return respuesta


def _recarga_y_espera(hasta_su_turno: int | None) -> tuple[int, int | None]:
    """Seconds until the page asks again, and the wait to show. It asks often when the turn
    is near and seldom when it is far; the person sees step 1 at the first reload after
    their turn reaches this process (which reads the line at most every LEER_CADA seconds):
    the wait shown is that reload's time, following the same intervals."""
    if hasta_su_turno is None:
        return REFRESCAR_EN_PAUSA, None
    llega, recarga = hasta_su_turno + admision.LEER_CADA / 2, 0
    while recarga < llega:
        recarga += _intervalo(llega - recarga)
    return _intervalo(llega), recarga


def _intervalo(faltan: float) -> int:
    return int(min(REFRESCAR_MAXIMO, max(REFRESCAR_MINIMO, faltan // 5)))


def _espera_en_palabras(segundos: int | None) -> str:
    if segundos is None:
        return gettext("por ahora no se puede calcular: la fila está detenida un momento")
    if segundos < 60:
        return gettext("menos de un minuto")
    minutos = math.ceil(segundos / 60)
    return ngettext("unos %(n)d minuto", "unos %(n)d minutos", minutos) % {"n": minutos}
