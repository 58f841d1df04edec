"""Admin's search boxes, each answered by an index of the national registry (~14 million
derechohabientes). A whole CURP is an equality on the unique index, the start of a CURP a
range on it, and anything else the start of the name key "APELLIDO APELLIDO NOMBRE"
(``clave_nombre``, byte-order collation, its own btree). Nothing uses ``icontains``, which
reads the whole table."""

import re

from django.db.models import F, Lookup, Q, QuerySet, Subquery

from ..models import Derechohabiente, clave_de_nombre, igual_sin_mayusculas, mismo_correo
from ..padron import curp

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
    # A whole CURP has padron.curp's shape; its check digit is not needed to find it.
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
