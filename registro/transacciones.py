"""How a statement meets its transaction: on its own, or without waiting for the disk."""

from contextlib import nullcontext

from django.db import connection, transaction


def por_separado():
    """In autocommit (a request) the statement is its own transaction: one round trip, no
    BEGIN/COMMIT. Inside a caller's transaction (tests, an atomic block) a savepoint keeps
    its failure from spoiling the rest."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


_SIN_ESPERAR_AL_DISCO = "SET LOCAL synchronous_commit TO OFF; "


def sin_esperar_al_disco(cursor, sql: str, parametros) -> None:
    """Run ``sql`` as one statement whose commit does not wait for the WAL to reach the disk
    (in autocommit, its own transaction). For rows whose loss in a crash costs nothing that
    matters: sessions, captcha challenges, look-up attempts."""
    cursor.execute(_SIN_ESPERAR_AL_DISCO + sql, parametros)
