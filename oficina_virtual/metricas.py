"""Metrics in Prometheus' text format at GET /metricas/, for the operations team only.

Counters and histograms live in each process; under gunicorn every worker writes its own
files (prometheus-client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR, set up in
gunicorn.conf.py) and a scrape adds them up, whichever worker answers it. What is a state
rather than a count (the mail queue, live captcha challenges) is read from PostgreSQL when
scraped, so every server reports the same.

Nobody from the public reads them: the scraper sends ``Authorization: Bearer METRICAS_TOKEN``
or connects from one of METRICAS_REDES; with neither set, the page is closed.
"""

import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

PETICIONES = Counter(
    "oficina_virtual_peticiones",
    "Peticiones respondidas, por vista y estado HTTP.",
    ["vista", "estado"],
)
DURACION = Histogram(
    "oficina_virtual_peticion_segundos",
    "Tiempo para responder una petición, por vista.",
    ["vista"],
)
BUSQUEDAS = Counter(
    "oficina_virtual_busquedas_curp",
    "Búsquedas de CURP del paso 1, por resultado: encontrada, no_registrada, mal_escrita, "
    "limitada (esperar), con_captcha (se pidió el captcha).",
    ["resultado"],
)
RETOS_DE_CAPTCHA = Counter(
    "oficina_virtual_retos_de_captcha",
    "Captchas nuevos y lecturas en audio pedidos, por resultado: dado, limitado (esperar).",
    ["resultado"],
)
CUENTAS_CREADAS = Counter("oficina_virtual_cuentas_creadas", "Cuentas creadas en el paso 2.")
INGRESOS = Counter(
    "oficina_virtual_ingresos",
    "Intentos de ingresar, por resultado: ok, fallido, bloqueado.",
    ["resultado"],
)
SALA_DE_ESPERA = Counter(
    "oficina_virtual_sala_de_espera",
    "Llegadas al paso 1 con la sala de espera encendida, por resultado: espera (se mostró la "
    "fila), admitida (se mostró el paso 1), sin_pase (búsqueda sin admisión, devuelta a la fila).",
    ["resultado"],
)
HASH_OCUPADO = Counter(
    "oficina_virtual_hash_ocupado",
    "Contraseñas que no se calcularon por no haber lugar a tiempo (respondidas con 503).",
)
LECTURAS_DEL_PADRON = Counter(
    "oficina_virtual_lecturas_del_padron",
    "Búsquedas del paso 1 en el registro, por base de datos: replica o primario (sin réplica "
    "configurada, o caída, o atrasada).",
    ["base"],
)
ERRORES_DE_BASE_DE_DATOS = Counter(
    "oficina_virtual_errores_base_de_datos",
    "Peticiones que no pudieron hablar con PostgreSQL (respondidas con 503).",
)


class EstadoEnLaBase:
    """What is a state, not a count: read from PostgreSQL at each scrape."""

    _CONSULTA = """
        SELECT (SELECT count(*) FROM registro_correoporenviar),
               (SELECT extract(epoch FROM statement_timestamp() - min(creado_en))
                  FROM registro_correoporenviar),
               (SELECT count(*) FROM captcha_captchastore WHERE expiration > statement_timestamp()),
               (SELECT greatest(0, q.last_value - floor(s.admitidos)) * q.is_called::int
                  FROM registro_turno_seq q, registro_saladeespera s),
               (SELECT tasa FROM registro_saladeespera)
    """

    def collect(self):
        with connection.cursor() as cursor:
            cursor.execute(self._CONSULTA)
            en_cola, espera, retos, en_fila, tasa = cursor.fetchone()
        yield GaugeMetricFamily(
            "oficina_virtual_correos_en_cola", "Correos esperando al enviador.", value=en_cola
        )
        yield GaugeMetricFamily(
            "oficina_virtual_correo_espera_mas_larga_segundos",
            "Edad del correo más antiguo en la cola (0 si está vacía).",
            value=espera or 0,
        )
        yield GaugeMetricFamily(
            "oficina_virtual_retos_captcha_vigentes",
            "Desafíos de captcha sin vencer (dibujados y aún sin responder).",
            value=retos,
        )
        yield GaugeMetricFamily(
            "oficina_virtual_sala_de_espera_en_fila",
            "Turnos dados y aún no admitidos (quien se fue de la fila sigue contando).",
            value=en_fila or 0,
        )
        yield GaugeMetricFamily(
            "oficina_virtual_sala_de_espera_tasa",
            "Personas admitidas por segundo, entre todos los servidores.",
            value=tasa or 0,
        )


_DE_LA_BASE = CollectorRegistry()
_DE_LA_BASE.register(EstadoEnLaBase())


def _autorizado(request) -> bool:
    if settings.METRICAS_TOKEN:
        enviado = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if hmac.compare_digest(enviado.encode(), settings.METRICAS_TOKEN.encode()):
            return True
    try:
        direccion = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(direccion in red for red in settings.METRICAS_REDES)


@require_safe
def metricas(request):
    if not _autorizado(request):
        return HttpResponse("no autorizado\n", status=403, content_type="text/plain")
    if settings.PROMETHEUS_MULTIPROC_DIR:  # several processes: add their files up
        contadores = CollectorRegistry()
        MultiProcessCollector(contadores)
    else:
        contadores = REGISTRY
    texto = generate_latest(contadores) + generate_latest(_DE_LA_BASE)
    return HttpResponse(
        texto,
        content_type="text/plain; version=0.0.4; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


@receiver(user_logged_in)
def _ingreso(sender, **kwargs):
    INGRESOS.labels("ok").inc()


@receiver(user_login_failed)
def _ingreso_fallido(sender, credentials=None, request=None, **kwargs):
    # Refused by django-axes' lockout, or a wrong password. This receiver runs before axes'
    # own (it is connected first), so the failure being counted is not yet recorded: the one
    # that causes the lockout counts as failed, the ones refused after it as locked.
    from axes.handlers.proxy import AxesProxyHandler  # needs the apps loaded

    bloqueado = request is not None and not AxesProxyHandler.is_allowed(request, credentials)
    INGRESOS.labels("bloqueado" if bloqueado else "fallido").inc()
