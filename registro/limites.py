"""Limits on how often a client may look up CURPs, kept in PostgreSQL so that every app
process and server shares them. The look-up says whether a person is a derechohabiente;
unlimited, it would let anyone test the whole registry.

The count-and-record step is one call to a PL/pgSQL function (migration 0008): one round
trip, plans kept per connection, the keys locked so that count and insert are one step per
key across processes, and the limits checked in order: the first one reached stops the
count, and only the limits before it count this attempt."""

import datetime
import functools
import math
from dataclasses import dataclass

from django.db import connection
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from . import cliente
from .models import Intento
from .padron import curp
from .transacciones import sin_esperar_al_disco


@dataclass(frozen=True)
class Limite:
    nombre: str
    maximo: int
    ventana: datetime.timedelta


BUSQUEDAS_POR_DIRECCION = Limite("curp-por-direccion", 10, datetime.timedelta(minutes=10))
BUSQUEDAS_POR_CURP = Limite("curp-por-clave", 10, datetime.timedelta(minutes=10))


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


def purgar(antes_de: datetime.datetime) -> int:
    return Intento.objects.filter(momento__lt=antes_de).delete()[0]


def limitar_busquedas(vista):
    """Step 1's look-up, counted per address and per CURP before ``vista`` answers it; past
    a limit, the "too many look-ups" page (429, Retry-After) instead."""

    @functools.wraps(vista)
    def con_limite(request, *args, **kwargs):
        clave = curp.normalizar(request.POST.get("curp", ""))[:40]
        contados = [(BUSQUEDAS_POR_DIRECCION, cliente.direccion(request))]
        if clave:
            contados.append((BUSQUEDAS_POR_CURP, clave))
        espera = registrar(*contados)
        if espera is None:
            return vista(request, *args, **kwargs)
        minutos = max(1, math.ceil(espera / 60))
        respuesta = render(
            request, "registro/demasiadas_busquedas.html", {"minutos": minutos}, status=429
        )
        respuesta["Retry-After"] = str(espera)
        return respuesta

    return con_limite
