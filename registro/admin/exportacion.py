"""The registry's CSV export: the import's columns, streamed from a server-side cursor a
few thousand rows at a time, so the file can be loaded back and millions of rows never sit
in memory."""

import csv
import datetime
import io
import logging

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from ..padron import importacion

logger = logging.getLogger(__name__)

# The import's columns, in its order: an exported file loads back as it is.
COLUMNAS_CSV = importacion.ENCABEZADO + importacion.OPCIONALES
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

    The byte-order mark lets spreadsheets open it as UTF-8.
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
