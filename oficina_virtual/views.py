"""The project's own answers: health checks and the page of a server error."""

import sys

from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import metricas, replica

_ERRORES_DE_CONEXION = (OperationalError, InterfaceError)

# One statement: it proves the database answers and says how late the mail queue is.
_COLA_DE_CORREO = """
    SELECT count(*), extract(epoch FROM statement_timestamp() - min(creado_en))
      FROM registro_correoporenviar
"""


@require_safe
def salud(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except _ERRORES_DE_CONEXION:
        metricas.ERRORES_DE_BASE_DE_DATOS.inc()
        return HttpResponse("base de datos: sin respuesta\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@never_cache
def vivo(request):
    """Liveness, for an orchestrator that restarts a process that stopped answering: the
    process answers. Nothing else is asked, so a database outage restarts nothing."""
    return JsonResponse({"estado": "vivo"})


@require_safe
@never_cache
def lista(request):
    """Readiness, for a load balancer: 503 while the database does not answer. The mail queue
    is reported beside it, "degradado" past SALUD_CORREO_ATRASO_MAXIMO seconds, and so is the
    replica (oficina_virtual/replica.py), but neither makes it 503: every server shares them,
    and taking all servers out of the balancer would turn late e-mail into a site that does
    not answer (and look-ups use the primary while the replica is away)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(_COLA_DE_CORREO)
            en_cola, espera = cursor.fetchone()
    except _ERRORES_DE_CONEXION:
        metricas.ERRORES_DE_BASE_DE_DATOS.inc()
        return JsonResponse(
            {"estado": "sin base de datos", "base_de_datos": "sin respuesta"}, status=503
        )
    atrasado = espera is not None and espera > settings.SALUD_CORREO_ATRASO_MAXIMO
    respuesta = {
        "estado": "degradado" if atrasado else "lista",
        "base_de_datos": "ok",
        "correo": {
            "en_cola": en_cola,
            "espera_mas_larga_s": round(espera or 0),
            "atrasado": atrasado,
        },
    }
    if replica.configurada():  # reported only: without it the look-ups use the primary
        respuesta["replica"] = replica.estado()
    return JsonResponse(respuesta)


def error_del_servidor(request):
    """handler500. A database that does not answer is a 503 ("try again shortly"); the page
    is rendered without the request, so that it needs no database itself."""
    error = sys.exc_info()[1]
    if isinstance(error, _ERRORES_DE_CONEXION):
        metricas.ERRORES_DE_BASE_DE_DATOS.inc()
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("500.html"), status=500)
