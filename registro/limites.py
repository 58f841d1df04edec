"""Limits on how often a client may look up CURPs, kept in PostgreSQL so that every app
process and server shares them. The look-up says whether a person is a derechohabiente;
unlimited, it would let anyone test the whole registry."""

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.db import connection
from django.utils.crypto import salted_hmac

from .models import Intento


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


def _candado(clave: str) -> int:
    return int.from_bytes(hashlib.sha256(clave.encode()).digest()[:8], "big", signed=True)


# One round trip to the database for the whole check, sent as one multi-statement query: in
# autocommit it is one implicit transaction. The advisory locks (taken in a fixed order, so
# two requests never wait on each other in a cycle) make count-and-insert one step per key
# across processes; the count is a separate statement so that, in READ COMMITTED, its
# snapshot is taken after the locks and sees every earlier holder's attempt. The limits are
# checked in order: the first one reached stops the count, and only the limits before it
# count this attempt. An attempt lost in a crash costs nothing, so its commit does not wait
# for the disk (synchronous_commit off, for this transaction only).
_REGISTRAR = """
SET LOCAL synchronous_commit TO OFF;
SELECT pg_advisory_xact_lock(candado) FROM unnest(%(candados)s::bigint[]) AS candado
 ORDER BY candado;
WITH ahora AS MATERIALIZED (SELECT clock_timestamp() AS momento),
limites AS (
  SELECT * FROM unnest(%(claves)s::varchar[], %(maximos)s::int[], %(ventanas)s::interval[])
    WITH ORDINALITY AS l(clave, maximo, ventana, orden)
),
conteo AS MATERIALIZED (
  SELECT l.orden, l.clave, l.maximo, l.ventana,
         count(i.id) AS cuantos, min(i.momento) AS primero
    FROM limites l CROSS JOIN ahora
    LEFT JOIN registro_intento i
      ON i.clave = l.clave AND i.momento > ahora.momento - l.ventana
   GROUP BY l.orden, l.clave, l.maximo, l.ventana
),
alcanzado AS MATERIALIZED (
  SELECT orden, extract(epoch FROM primero + ventana - (SELECT momento FROM ahora)) AS espera,
         extract(epoch FROM ventana) AS ventana
    FROM conteo WHERE cuantos >= maximo ORDER BY orden LIMIT 1
),
nuevos AS (
  INSERT INTO registro_intento (clave, momento)
  SELECT clave, (SELECT momento FROM ahora) FROM conteo
   WHERE orden < coalesce((SELECT orden FROM alcanzado), orden + 1)
)
SELECT orden, espera, ventana FROM alcanzado
"""


def registrar(*limites_y_valores: tuple[Limite, str]) -> int | None:
    """Count one attempt against each (limit, value), in order. When one is reached, count
    nothing from it on and return the seconds to wait until its oldest attempt in the window
    expires; otherwise None."""
    claves = [_clave(limite, valor) for limite, valor in limites_y_valores]
    with connection.cursor() as cursor:
        cursor.execute(
            _REGISTRAR,
            {
                "candados": [_candado(clave) for clave in claves],
                "claves": claves,
                "maximos": [limite.maximo for limite, _ in limites_y_valores],
                "ventanas": [limite.ventana for limite, _ in limites_y_valores],
            },
        )
        alcanzado = cursor.fetchone()
    if alcanzado is None:
        return None
    _, espera, ventana = alcanzado
    return min(max(1, math.ceil(espera)), int(ventana))


def purgar(antes_de: datetime.datetime) -> int:
    return Intento.objects.filter(momento__lt=antes_de).delete()[0]
