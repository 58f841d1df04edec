"""Reads of the registry from a streaming replica (REPLICA_URL), while it answers and keeps up.

A surge is mostly step 1's look-ups, and they read only the registry (a derechohabiente and
whether it has an account): a replica takes them off the primary. Everything that writes or
must see its own write — sessions, look-up limits, captcha, the waiting room, accounts, and
step 2's look-up, which must see the account made a moment ago — stays on the primary. The
primary's unique constraint decides whether a CURP gets a second account, whatever the
replica said at step 1.

Each process asks the replica at most every REPLICA_REVISAR_CADA seconds how far behind the
primary it is. Down, or more than REPLICA_RETRASO_MAXIMO seconds behind, the reads go to the
primary until a later check finds it caught up; a look-up that fails on the replica is made
again on the primary at once.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError

from . import metricas

REPLICA = "replica"
AL_DIA, ATRASADA, SIN_RESPUESTA = "al día", "atrasada", "sin respuesta"
_ERRORES_DE_CONEXION = (OperationalError, InterfaceError)
_logger = logging.getLogger(__name__)

_estado = None  # not checked yet
_revisada = float("-inf")

# Behind: the primary has written WAL the replica has not replayed. Then the delay is the age
# of the last transaction it replayed (an idle primary makes no delay).
_RETRASO = """
    SELECT CASE WHEN pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()) <= 0 THEN 0
                ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
           END
"""

T = TypeVar("T")


def configurada() -> bool:
    return REPLICA in settings.DATABASES


def estado() -> str:
    """AL_DIA, ATRASADA or SIN_RESPUESTA, as of the last check (made now if due)."""
    if time.monotonic() - _revisada >= settings.REPLICA_REVISAR_CADA:
        _revisar()
    return _estado


def alias_para_leer() -> str:
    """Where the registry is read now: the replica when up to date, else the primary."""
    if not configurada() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # a transaction open on the primary reads its own writes
    return REPLICA if estado() == AL_DIA else DEFAULT_DB_ALIAS


def leer(consulta: Callable[..., T]) -> T:
    """``consulta(conexion)`` on the replica when it is up to date, else (or when it fails
    there) on the primary."""
    alias = alias_para_leer()
    if alias == REPLICA:
        try:
            resultado = consulta(connections[REPLICA])
        except _ERRORES_DE_CONEXION:
            _anotar(SIN_RESPUESTA)
        else:
            metricas.LECTURAS_DEL_PADRON.labels("replica").inc()
            return resultado
    metricas.LECTURAS_DEL_PADRON.labels("primario").inc()
    return consulta(connections[DEFAULT_DB_ALIAS])


def _revisar() -> None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (escrito,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_RETRASO, [escrito])
            (segundos,) = cursor.fetchone()
    except _ERRORES_DE_CONEXION:
        _anotar(SIN_RESPUESTA)
        return
    atrasada = segundos is None or segundos > settings.REPLICA_RETRASO_MAXIMO
    _anotar(ATRASADA if atrasada else AL_DIA)


def _anotar(nuevo: str) -> None:
    global _estado, _revisada
    if nuevo == SIN_RESPUESTA:
        connections[REPLICA].close()  # the next check opens a new connection
    if _estado is not None and nuevo != _estado:
        _logger.warning("Réplica: %s (antes %s).", nuevo, _estado)
    _estado, _revisada = nuevo, time.monotonic()


class LecturasDelPadron:
    """Django's database router: reads of the registry's rows (the admin's screens) to the
    replica when it is up to date; everything else, and every write, to the primary (None)."""

    def db_for_read(self, model, **hints):
        if model._meta.label == "registro.Derechohabiente" and "instance" not in hints:
            return alias_para_leer()
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by itself
