"""Django's PostgreSQL backend; only the health check before a connection is reused differs."""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """With CONN_HEALTH_CHECKS Django asks this before each request reuses its
        connection, and its answer is a SELECT 1: a round trip on every request that touches
        the database, a fifth of a CURP look-up's server CPU. An idle connection has nothing
        to read unless the server has closed it (a restart, pg_terminate_backend, an idle
        timeout): its farewell, or the end of the stream, then waits on the socket, and only
        then is the server asked. A connection cut without a word (a network gone) fails the
        request's first query, a 503, and is dropped; a SELECT 1 would have waited on it too.
        """
        if self.connection is None or self.connection.closed:
            return False
        # poll, not select: select refuses a descriptor above 1023 (a process with many open
        # files), and the request would fail on the check itself.
        sondeo = select.poll()
        sondeo.register(self.connection.fileno(), select.POLLIN)
        return not sondeo.poll(0) or super().is_usable()
