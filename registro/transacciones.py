"""A statement that may break a unique constraint, run on its own."""

from contextlib import nullcontext

from django.db import connection, transaction


def por_separado():
    """In autocommit (a request) the statement is its own transaction: one round trip, no
    BEGIN/COMMIT. Inside a caller's transaction (tests, an atomic block) a savepoint keeps
    its failure from spoiling the rest."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()
