"""Limits on how often a client may look up CURPs, kept in PostgreSQL so that every app
process and server shares them. The look-up says whether a person is a derechohabiente;
unlimited, it would let anyone test the whole registry."""

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone
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


def registrar(limite: Limite, valor: str) -> int | None:
    """Count one attempt for ``valor``; past the limit, count nothing and return the seconds
    to wait until the oldest attempt in the window expires."""
    clave = _clave(limite, valor)
    with transaction.atomic():
        # One client at a time per key, across processes: count and insert are one step.
        candado = int.from_bytes(hashlib.sha256(clave.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [candado])
        ahora = timezone.now()  # after the lock: earlier holders' attempts are in the past
        recientes = Intento.objects.filter(
            clave=clave, momento__gt=ahora - limite.ventana
        ).aggregate(cuantos=Count("id"), primero=Min("momento"))
        if recientes["cuantos"] >= limite.maximo:
            espera = (recientes["primero"] + limite.ventana - ahora).total_seconds()
            return min(max(1, math.ceil(espera)), int(limite.ventana.total_seconds()))
        Intento.objects.create(clave=clave, momento=ahora)
    return None


def purgar(antes_de: datetime.datetime) -> int:
    return Intento.objects.filter(momento__lt=antes_de).delete()[0]
