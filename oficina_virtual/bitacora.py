"""The log: one JSON object a line, each carrying the request id of the request it belongs
to, and one line per request (the access log) that names the route, never the path.

A path can carry what must not reach a log: the single-use tokens of the confirmation and
password-reset links, the captcha's keys. So the request line says which route answered
(``oficina-virtual/confirmar/<str:token>/``), the view, the status and the time taken; it
says nothing of the client's address, the query string or the body.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from . import metricas

logger = logging.getLogger("oficina_virtual.peticiones")

# The request being answered in this thread, for every log record made meanwhile.
id_de_peticion = contextvars.ContextVar("id_de_peticion", default=None)

# An X-Request-ID from a proxy or load balancer is kept when it looks like an id; anything
# else (too long, other characters) is replaced, so a client cannot write into the log.
_ID_ACEPTABLE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CAMPOS_DE_PETICION = ("metodo", "ruta", "vista", "estado", "duracion_ms")


class FormatoJSON(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger, message, the request id and the
    request line's fields when it is one; an exception's traceback in ``excepcion``."""

    def format(self, record: logging.LogRecord) -> str:
        linea = {
            "momento": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "nivel": record.levelname,
            "registrador": record.name,
            "mensaje": record.getMessage(),
            "id_de_peticion": getattr(record, "id_de_peticion", None) or id_de_peticion.get(),
        }
        linea.update({c: getattr(record, c) for c in _CAMPOS_DE_PETICION if hasattr(record, c)})
        if record.exc_info:
            linea["excepcion"] = self.formatException(record.exc_info)
        return json.dumps(linea, ensure_ascii=False)


class IdDePeticionMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, or a new one), sends it back in the
    response's X-Request-ID, and once it is answered logs the request line and counts it in
    the metrics (by view and status, with its time)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        recibido = request.headers.get("X-Request-ID", "")
        identificador = recibido if _ID_ACEPTABLE.fullmatch(recibido) else uuid.uuid4().hex
        marca = id_de_peticion.set(identificador)
        inicio = time.perf_counter()
        try:
            respuesta = self.get_response(request)
            respuesta["X-Request-ID"] = identificador
            coincidencia = getattr(request, "resolver_match", None)
            segundos = time.perf_counter() - inicio
            campos = {
                "metodo": request.method,
                "ruta": coincidencia.route if coincidencia else None,
                "vista": coincidencia.view_name if coincidencia else None,
                "estado": respuesta.status_code,
                "duracion_ms": round(segundos * 1000, 1),
            }
            vista = campos["vista"] or "sin_ruta"
            metricas.PETICIONES.labels(vista, respuesta.status_code).inc()
            metricas.DURACION.labels(vista).observe(segundos)
            logger.info("%(metodo)s /%(ruta)s %(estado)s %(duracion_ms)s ms", campos, extra=campos)
            return respuesta
        finally:
            id_de_peticion.reset(marca)
