"""Admin pieces that stay fast with the national registry (~14 million derechohabientes).

- Search goes through an index: a whole CURP is an equality on the unique index, the start
  of a CURP a range on it, and anything else the start of the name key "APELLIDO APELLIDO
  NOMBRE" (``clave_nombre``, byte-order collation, its own btree). Nothing uses ``icontains``,
  which reads the whole table.
- The list never counts the whole table: without filters it shows PostgreSQL's own estimate
  (``pg_class.reltuples``); with filters it counts at most ``TOPE_CONTEO + 1`` rows.
- "Con cuenta / sin cuenta" is an ``EXISTS`` (semi-join), not a join that repeats rows.
- The CSV export streams the rows from a server-side cursor, a few thousand at a time.
"""

import csv
import datetime
import io
import logging
import math
import re

from django.contrib import admin
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet, Subquery
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import curp
from .models import Derechohabiente, Usuario, clave_de_nombre, igual_sin_mayusculas, mismo_correo

logger = logging.getLogger(__name__)

TOPE_CONTEO = 10_000

# The start of a CURP: four letters and at least one digit of the birth date. Names have no
# digits, so this never takes a name away from the name search.
_INICIO_DE_CURP = re.compile(r"[A-Z]{4}[0-9][A-Z0-9]{0,16}")


# The characters of a CURP in the order every collation gives them (digits, then A-Z).
_ALFABETO_CURP = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _rango_de_curp(inicio: str, campo: str = "curp") -> Q:
    """CURPs starting with ``inicio``, as a range: ``inicio <= curp < next prefix``.

    A range is an index range scan on the CURP's unique index whatever the database's
    collation; LIKE 'ABCD12%' is one only under the "C" collation. Every stored CURP is made
    of digits and capital letters, whose order is the same in byte order and in the
    collations PostgreSQL uses, and the upper bound is made of them too.
    """
    condicion = Q(**{f"{campo}__gte": inicio})
    while inicio:
        posicion = _ALFABETO_CURP.index(inicio[-1])
        if posicion + 1 < len(_ALFABETO_CURP):
            siguiente = inicio[:-1] + _ALFABETO_CURP[posicion + 1]
            return condicion & Q(**{f"{campo}__lt": siguiente})
        inicio = inicio[:-1]
    return condicion


def interpretar_busqueda(texto: str) -> tuple[str, str]:
    """What staff typed, as ("curp" | "inicio_curp" | "nombre" | "", normalised value)."""
    clave = curp.normalizar(texto)
    if not clave:
        return "", ""
    # A whole CURP has registro.curp's shape; its check digit is not needed to find it.
    if len(clave) == curp.LONGITUD and curp.ESTRUCTURA.fullmatch(clave):
        return "curp", clave
    if _INICIO_DE_CURP.fullmatch(clave):
        return "inicio_curp", clave
    return "nombre", clave_de_nombre(texto, "", "")


def buscar_derechohabientes(queryset: QuerySet, texto: str) -> QuerySet:
    """Filter by CURP (whole or its start) or by the start of "APELLIDO APELLIDO NOMBRE"."""
    tipo, valor = interpretar_busqueda(texto)
    if tipo == "curp":
        return queryset.filter(curp=valor)
    if tipo == "inicio_curp":
        return queryset.filter(_rango_de_curp(valor))
    if tipo == "nombre":
        return queryset.filter(clave_nombre__startswith=valor)
    return queryset


class UnoDe(Lookup):
    """``campo = ANY(ARRAY(subconsulta))``: the subquery runs once (an InitPlan) and the
    column is then looked up in its own index, even inside an OR. ``campo IN (subconsulta)``
    inside an OR is a filter checked on every row of the table."""

    lookup_name = "uno_de"

    def as_sql(self, compiler, connection):
        campo, parametros = self.process_lhs(compiler, connection)
        subconsulta, mas_parametros = compiler.compile(self.rhs)
        return f"{campo} = ANY(ARRAY{subconsulta})", (*parametros, *mas_parametros)


def buscar_cuentas(queryset: QuerySet, texto: str) -> QuerySet:
    """Accounts by user name or e-mail (whole, any case), or by their derechohabiente: CURP
    (whole or its start) or the start of "APELLIDO APELLIDO NOMBRE".

    Every branch is a condition on the account table that one of its indexes answers, so
    PostgreSQL combines them with a BitmapOr: user name and e-mail compare LOWER(column) with
    LOWER(text), the expressions of their unique indexes (``username__iexact`` would be
    UPPER(column::text), which no index has); the derechohabiente branch is a UnoDe on the
    unique index of ``derechohabiente_id``.
    """
    tipo, valor = interpretar_busqueda(texto)
    if not tipo:
        return queryset
    escrito = texto.strip()
    condicion = Q(igual_sin_mayusculas("username", escrito))
    if "@" in texto:
        condicion |= mismo_correo(escrito)
    personas = Derechohabiente.objects.order_by()
    if tipo == "curp":
        personas = personas.filter(curp=valor)
    elif tipo == "inicio_curp":
        personas = personas.filter(_rango_de_curp(valor))
    else:
        personas = personas.filter(clave_nombre__startswith=valor)
    condicion |= Q(UnoDe(F("derechohabiente"), Subquery(personas.values("pk"))))
    return queryset.filter(condicion)


# Counting


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


# Filters


def tiene_cuenta() -> Exists:
    return Exists(Usuario.objects.filter(derechohabiente=OuterRef("pk")))


class CuentaFilter(admin.SimpleListFilter):
    title = _("cuenta en la Oficina Virtual")
    parameter_name = "cuenta"

    def lookups(self, request, model_admin):
        return [("con", _("Con cuenta")), ("sin", _("Sin cuenta"))]

    def queryset(self, request, queryset):
        if self.value() == "con":
            return queryset.filter(tiene_cuenta())
        if self.value() == "sin":
            return queryset.filter(~tiene_cuenta())
        return queryset


# CSV export

COLUMNAS_CSV = [
    "curp",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "tipo",
    "vigente",
    "fecha_nacimiento",
    "sexo",
    "entidad",
]
FILAS_POR_BLOQUE = 2000
# A cell starting with one of these is a formula to a spreadsheet.
_INICIO_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _celda(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "1" if valor else "0"
    if isinstance(valor, datetime.date):
        return valor.isoformat()
    texto = str(valor)
    if texto.startswith(_INICIO_DE_FORMULA):
        return "'" + texto
    return texto


def _bloques_csv(queryset: QuerySet, usuario_id, alcance: str):
    """The file in pieces of FILAS_POR_BLOQUE rows, read through a server-side cursor.

    The columns are the import's (registro.importacion), so the file can be loaded back;
    the byte-order mark lets spreadsheets open it as UTF-8.
    """
    filas = 0
    try:
        bufer = io.StringIO()
        escritor = csv.writer(bufer, lineterminator="\r\n")
        bufer.write("\ufeff")
        escritor.writerow(COLUMNAS_CSV)
        for fila in queryset.values_list(*COLUMNAS_CSV).iterator(chunk_size=FILAS_POR_BLOQUE):
            escritor.writerow([_celda(v) for v in fila])
            filas += 1
            if filas % FILAS_POR_BLOQUE == 0:
                yield bufer.getvalue()
                bufer.seek(0)
                bufer.truncate()
        yield bufer.getvalue()
    finally:
        # Who and how many, never which people.
        logger.info(
            "Exportación CSV de derechohabientes: %d filas (%s), personal id=%s",
            filas,
            alcance,
            usuario_id,
        )


def respuesta_csv(request, queryset: QuerySet) -> StreamingHttpResponse:
    alcance = (
        "toda la selección filtrada" if request.POST.get("select_across") == "1" else "marcadas"
    )
    respuesta = StreamingHttpResponse(
        _bloques_csv(queryset, request.user.pk, alcance), content_type="text/csv; charset=utf-8"
    )
    nombre = f"derechohabientes-{timezone.localtime():%Y%m%d-%H%M}.csv"
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    respuesta["Cache-Control"] = "no-store"
    return respuesta


def sin_cuentas_de_personal_ajenas(request, obj) -> bool:
    """Only superusers touch staff accounts (their passwords, rights and groups)."""
    return obj is None or request.user.is_superuser or not (obj.is_staff or obj.is_superuser)
