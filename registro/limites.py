"""Limits on CURP look-ups, kept in PostgreSQL so that every app process and server shares
them. A look-up says whether a person is a derechohabiente; unlimited, it would let anyone
test the whole registry.

Many people share one address (a mobile carrier's NAT puts thousands of phones behind one,
and so do offices and schools), and nearly all of them look up their own CURP and find it.
What testing other people's CURPs produces is misses: CURPs not in the registry, or typed
wrong. So friction rises step by step, and never walls an address off:

- past FALLOS_POR_DIRECCION misses, or POR_DIRECCION look-ups, in its window, step 1 asks
  everyone behind that address for the captcha as well;
- a client (a browser, known by its CSRF cookie) past FALLOS_POR_CLIENTE misses waits;
- a CURP past POR_CURP look-ups waits, from any address.

The CURP's count-and-record step is one call to a PL/pgSQL function (migration 0008): the
keys locked, so that count and insert are one step across processes. The other counts are
read before the look-up and written after it, once its outcome is known; look-ups in flight
at the same instant may each miss the others', which a threshold of tens does not mind.
With settings.LIMITES_SOLO_CONTAR every limit is counted and logged, and none applied.
"""

import datetime
import functools
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from oficina_virtual import metricas

from . import cliente
from .models import Intento
from .padron import curp
from .transacciones import sin_esperar_al_disco

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limite:
    nombre: str  # the salt of its keys too: renaming a limit forgets its counts
    ajuste: str  # its entry in the settings' dict: (maximum, minutes)
    ajustes: str = "LIMITES_DE_BUSQUEDA"  # the settings' dict

    @property
    def maximo(self) -> int:
        return getattr(settings, self.ajustes)[self.ajuste][0]

    @property
    def ventana(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=getattr(settings, self.ajustes)[self.ajuste][1])

    def avisar_alcanzado(self, que: str) -> None:
        """Log that the limit was reached (never a CURP or an address): ``que`` is what."""
        logger.warning(
            "%s: límite %s alcanzado (%d en %d min)%s",
            que,
            self.nombre,
            self.maximo,
            self.ventana.total_seconds() // 60,
            " (solo se cuenta)" if settings.LIMITES_SOLO_CONTAR else "",
        )


POR_CURP = Limite("curp-por-clave", "por_curp")
POR_DIRECCION = Limite("curp-por-direccion", "por_direccion")
FALLOS_POR_DIRECCION = Limite("fallos-por-direccion", "fallos_por_direccion")
FALLOS_POR_CLIENTE = Limite("fallos-por-cliente", "fallos_por_cliente")

# What a look-up answered (BusquedaCurpForm.resultado); the first two are misses.
MAL_ESCRITA, NO_REGISTRADA, ENCONTRADA = "mal_escrita", "no_registrada", "encontrada"
FALLOS = {MAL_ESCRITA, NO_REGISTRADA}


@dataclass
class Busqueda:
    """One look-up at step 1 as the limits see it. ``captcha``: step 1 must ask for it;
    ``resultado``: what the look-up answered, None when it answered nothing."""

    direccion: str
    cliente: str  # "" when the browser sent no CSRF cookie: then only its address counts
    curp: str  # normalised; "" when none was typed
    captcha: bool = False
    resultado: str | None = None

    @classmethod
    def de(cls, request) -> "Busqueda":
        return cls(
            direccion=cliente.direccion(request),
            cliente=request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")[:64],
            curp=curp.normalizar(request.POST.get("curp", ""))[:40],
        )


def _clave(limite: Limite, valor: str) -> str:
    # Only a keyed hash is stored: the table holds no CURP and no address.
    return salted_hmac(f"registro.limites.{limite.nombre}", valor).hexdigest()[:40]


def registrar(*limites_y_valores: tuple[Limite, str]) -> int | None:
    """Count one attempt against each (limit, value), in order. When one is reached, count
    nothing from it on and return the seconds to wait until its oldest attempt in the window
    expires; otherwise None."""
    claves = [_clave(limite, valor) for limite, valor in limites_y_valores]
    with connection.cursor() as cursor:
        # One round trip: the migration 0008 function locks the keys, counts and records.
        # Its commit does not wait for the disk: a crash may forget the last instants'
        # attempts, a few more look-ups for someone, nothing more.
        sin_esperar_al_disco(
            cursor,
            "SELECT * FROM registro_contar_intento(%s::varchar[], %s::int[], %s::interval[])",
            [
                claves,
                [limite.maximo for limite, _ in limites_y_valores],
                [limite.ventana for limite, _ in limites_y_valores],
            ],
        )
        alcanzado = cursor.fetchone()
    if alcanzado is None:
        return None
    _, espera, ventana = alcanzado
    return min(max(1, math.ceil(espera)), int(ventana))


_CONTAR = """
    SELECT l.clave, count(i.id), min(i.momento)
      FROM unnest(%s::varchar[], %s::interval[]) AS l(clave, ventana)
      LEFT JOIN registro_intento i ON i.clave = l.clave AND i.momento > %s - l.ventana
     GROUP BY l.clave
"""


def _contados(*limites_y_valores: tuple[Limite, str]) -> dict[Limite, tuple[int, int]]:
    """For each (limit, value): the attempts in its window, and the seconds until the oldest
    of them leaves it."""
    ahora = timezone.now()
    claves = {_clave(limite, valor): limite for limite, valor in limites_y_valores}
    with connection.cursor() as cursor:
        ventanas = [limite.ventana for limite in claves.values()]
        cursor.execute(_CONTAR, [list(claves), ventanas, ahora])
        filas = cursor.fetchall()
    return {
        claves[clave]: (
            cuantos,
            math.ceil((primero + claves[clave].ventana - ahora).total_seconds()) if primero else 0,
        )
        for clave, cuantos, primero in filas
    }


def antes_de_buscar(busqueda: Busqueda) -> int | None:
    """Whether this look-up may go ahead: the seconds to wait, or None; sets
    ``busqueda.captcha`` when step 1 must ask for the captcha."""
    mirados = [(FALLOS_POR_DIRECCION, busqueda.direccion), (POR_DIRECCION, busqueda.direccion)]
    if busqueda.cliente:
        mirados.append((FALLOS_POR_CLIENTE, busqueda.cliente))
    contados = _contados(*mirados)
    alcanzados = [limite for limite, (cuantos, _) in contados.items() if cuantos >= limite.maximo]
    espera = None
    if FALLOS_POR_CLIENTE in alcanzados:
        espera = max(1, contados[FALLOS_POR_CLIENTE][1])
    elif busqueda.curp and (espera := registrar((POR_CURP, busqueda.curp))) is not None:
        alcanzados.append(POR_CURP)
    for limite in alcanzados:
        limite.avisar_alcanzado("Búsqueda de CURP")
    if settings.LIMITES_SOLO_CONTAR:
        return None
    busqueda.captcha = bool({FALLOS_POR_DIRECCION, POR_DIRECCION} & set(alcanzados))
    return espera


def despues_de_buscar(busqueda: Busqueda) -> None:
    """Count what the look-up answered against its address and client."""
    contados = [(POR_DIRECCION, busqueda.direccion)]
    if busqueda.resultado in FALLOS:
        contados.append((FALLOS_POR_DIRECCION, busqueda.direccion))
        if busqueda.cliente:
            contados.append((FALLOS_POR_CLIENTE, busqueda.cliente))
    with connection.cursor() as cursor:
        sin_esperar_al_disco(
            cursor,
            "INSERT INTO registro_intento (clave, momento) SELECT unnest(%s::varchar[]), %s",
            [[_clave(limite, valor) for limite, valor in contados], timezone.now()],
        )


def limitar_busquedas(vista):
    """Step 1's look-up under the limits. Past one that stops, the "too many look-ups" page
    (429, Retry-After) instead; past one of the address's, ``request.busqueda.captcha`` tells
    the view to ask for the captcha. The view puts what the look-up answered in
    ``request.busqueda.resultado``, and it is counted."""

    @functools.wraps(vista)
    def con_limite(request, *args, **kwargs):
        if "actualizar_imagen" in request.POST:  # a new captcha image: no look-up
            return vista(request, *args, **kwargs)
        request.busqueda = busqueda = Busqueda.de(request)
        espera = antes_de_buscar(busqueda)
        if espera is not None:
            metricas.BUSQUEDAS.labels("limitada").inc()
            return demasiadas_busquedas(request, espera)
        respuesta = vista(request, *args, **kwargs)
        if busqueda.resultado is not None:
            despues_de_buscar(busqueda)
            metricas.BUSQUEDAS.labels(busqueda.resultado).inc()
        elif busqueda.captcha:
            metricas.BUSQUEDAS.labels("con_captcha").inc()
        return respuesta

    return con_limite


def minutos(segundos: int) -> int:
    """A wait as the pages say it: whole minutes, at least one."""
    return max(1, math.ceil(segundos / 60))


def demasiadas_busquedas(request, espera: int):
    respuesta = render(
        request, "registro/demasiadas_busquedas.html", {"minutos": minutos(espera)}, status=429
    )
    respuesta["Retry-After"] = str(espera)
    return respuesta


def purgar(antes_de: datetime.datetime) -> int:
    return Intento.objects.filter(momento__lt=antes_de).delete()[0]
