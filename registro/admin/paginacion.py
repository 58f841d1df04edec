"""A paginator for the national registry: the list never counts the whole table. Without
filters it shows PostgreSQL's own estimate (``pg_class.reltuples``); with filters it counts
at most ``TOPE_CONTEO + 1`` rows."""

import math

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext

TOPE_CONTEO = 10_000


def filas_estimadas(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows in the model's table, or None if it has none."""
    conexion = connections[queryset.db]
    if conexion.vendor != "postgresql":
        return None
    with conexion.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [conexion.ops.quote_name(queryset.model._meta.db_table)],
        )
        fila = cursor.fetchone()
    # -1 (PostgreSQL 14+) means the table was never analysed or vacuumed.
    if fila is None or fila[0] is None or fila[0] < 0:
        return None
    return int(fila[0])


def _numero(n: int) -> str:
    return f"{n:,}"


class PaginadorEstimado(Paginator):
    """A paginator that never runs COUNT(*) over the whole table.

    Unfiltered, ``count`` is the planner's estimate once the table is bigger than
    ``tope``; filtered (or a small table), it counts at most ``tope + 1`` rows, so
    "more than 10,000" costs the same as 10,001 rows. Pages past the true end are
    empty pages, not errors.
    """

    tope = TOPE_CONTEO

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conteo_estimado = False  # count is the planner's estimate
        self.conteo_con_tope = False  # count stopped at tope + 1

    @cached_property
    def count(self) -> int:
        consulta = self.object_list
        if not isinstance(consulta, QuerySet):
            return super().count
        if not consulta.query.where:
            estimado = filas_estimadas(consulta)
            if estimado is not None and estimado > self.tope:
                self.conteo_estimado = True
                return estimado
        contadas = consulta.order_by()[: self.tope + 1].count()
        if contadas > self.tope:
            self.conteo_con_tope = True
        return contadas

    @cached_property
    def num_pages(self) -> int:
        # A page is an OFFSET: page 100,000 of the name index would read ten million rows
        # to skip them. The list stops after ``tope`` rows; a search or a filter narrows it.
        return min(super().num_pages, max(1, math.ceil(self.tope / self.per_page)))

    def validate_number(self, number) -> int:
        """A page past the last one shown is the last one, not an error page."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if int(number) > self.num_pages:
                return self.num_pages
            raise

    @property
    def conteo_aproximado(self) -> bool:
        self.count  # noqa: B018 - sets the flags
        return self.conteo_estimado or self.conteo_con_tope

    @property
    def conteo_texto(self) -> str:
        """The count as the list shows it: "1,234", "aprox. 14,000,000", "más de 10,000"."""
        if self.conteo_estimado:
            return gettext("aprox. %(n)s") % {"n": _numero(self.count)}
        if self.conteo_con_tope:
            return gettext("más de %(n)s") % {"n": _numero(self.tope)}
        return _numero(self.count)
