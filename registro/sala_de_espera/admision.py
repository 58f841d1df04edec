"""Who may start the registration now: the line's state, shared by every app server.

Turns come from one PostgreSQL sequence, in arrival order. Everyone whose turn is at most
the admission number may start; that number grows at the admission rate (people per second
for all servers together), by registro_sala_avanzar (migration 0013). Each process calls it
at most once a second and keeps the answer: a person polling the waiting page costs a
comparison with it, not a query.

The rate, unless fixed, is measured: every process reports the CPU seconds its password
hashes took (registro.hashes), and the machines' cores divided by that, times
SALA_DE_ESPERA_FRACCION, is how many people per second can be let in.
"""

import dataclasses
import datetime
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver

from registro import hashes
from registro.models import SalaDeEspera, ServidorDeHash, TurnoUsado
from registro.transacciones import sin_esperar_al_disco

AUTOMATICA, SIEMPRE, APAGADA = (m.value for m in SalaDeEspera.Modo)
LEER_CADA = 1.0  # seconds a process keeps the line's state
RAFAGA = 2.0  # seconds of the rate admitted at once when nobody waits (mode "automatica")


@dataclass(frozen=True)
class Sala:
    modo: str
    admitidos: float  # turns up to this one may start
    emitidos: int  # the last turn handed out
    tasa: float  # people admitted per second
    leida: float  # time.monotonic() of the reading

    def admitidos_ahora(self) -> float:
        """The admission number now: the one read, moved on by the rate since, as PostgreSQL
        will move it (never past the last turn known plus the burst). Every process thus
        admits a turn at nearly the same instant, however old its reading."""
        if self.modo == APAGADA:
            return math.inf
        rafaga = 0 if self.modo == SIEMPRE else max(1, self.tasa * RAFAGA)
        adelante = self.admitidos + self.tasa * (time.monotonic() - self.leida)
        return max(self.admitidos, min(adelante, self.emitidos + rafaga))

    @property
    def con_fila(self) -> bool:
        """Whether people wait now: then a look-up needs an admission."""
        return self.modo == SIEMPRE or (
            self.modo == AUTOMATICA and self.emitidos > self.admitidos_ahora()
        )

    def admite(self, turno: int) -> bool:
        return turno <= self.admitidos_ahora()

    def lugar(self, turno: int) -> int:
        """Place in line: 1 is next."""
        return max(1, math.ceil(turno - self.admitidos_ahora()))

    def espera(self, turno: int) -> int | None:
        """Seconds until ``turno`` is admitted, at the present rate; None while the line is
        held (a rate of 0)."""
        if self.tasa <= 0:
            return None
        return max(1, math.ceil((turno - self.admitidos_ahora()) / self.tasa))


_leida: Sala | None = None
_cpu_por_hash_conocido: float | None = None
_candado = threading.Lock()  # runserver answers in threads


def sala() -> Sala:
    """The line's state, at most LEER_CADA seconds old."""
    global _leida
    leida = _leida
    if leida is None or time.monotonic() - leida.leida >= LEER_CADA:
        with _candado:
            if _leida is leida:
                _leida = _avanzar()
            leida = _leida
    return leida


def _avanzar() -> Sala:
    global _cpu_por_hash_conocido
    cuantos, cpu = hashes.tomar_medidas()
    if cuantos:
        _cpu_por_hash_conocido = cpu / cuantos
    *fila, sin_medida = _llamar(cuantos, cpu)
    if sin_medida and fila[0] != APAGADA:
        # The rate is to be measured and no machine's measure is known (a new deployment, or
        # the rows purged): report what this process measured before, or measure one hash.
        if _cpu_por_hash_conocido is None:
            make_password(secrets.token_urlsafe(16))
            return _avanzar()
        *fila, _ = _llamar(1, _cpu_por_hash_conocido)
    return Sala(*fila, leida=time.monotonic())


def _llamar(cuantos: int, cpu: float) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM registro_sala_avanzar(%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                settings.SERVIDOR,
                os.cpu_count() or 1,
                cuantos,
                cpu,
                settings.SALA_DE_ESPERA,
                settings.SALA_DE_ESPERA_TASA,
                settings.SALA_DE_ESPERA_FRACCION,
                RAFAGA,
            ],
        )
        return cursor.fetchone()


def nuevo_turno() -> int:
    """The next turn; the state kept in this process learns of it (a line may have formed)."""
    global _leida
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('registro_turno_seq')")
        turno = cursor.fetchone()[0]
    leida = _leida
    if leida is not None and turno > leida.emitidos:
        _leida = dataclasses.replace(leida, emitidos=turno)
    return turno


def reclamar(turno: int) -> bool:
    """Claim ``turno``'s admission for the session asking: True for the first one only."""
    with connection.cursor() as cursor:
        sin_esperar_al_disco(
            cursor,
            "INSERT INTO registro_turnousado (turno, momento) VALUES (%s, now()) "
            "ON CONFLICT DO NOTHING",
            [turno],
        )
        return cursor.rowcount == 1


@receiver(setting_changed)
def olvidar(**kwargs):
    """A changed setting (tests) or the operator's command: read the state anew."""
    global _leida
    _leida = None


def purgar(ahora) -> int:
    """Claims of turns too old to be presented (a turn's cookie lasts 12 hours), and machines
    not seen for a day: the rows of a room that is past."""
    usados = TurnoUsado.objects.filter(momento__lt=ahora - datetime.timedelta(hours=12)).delete()
    ServidorDeHash.objects.filter(visto__lt=ahora - datetime.timedelta(days=1)).delete()
    return usados[0]
