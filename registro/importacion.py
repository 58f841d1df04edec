"""Reading the registry of derechohabientes from a CSV file and writing it to the database.

The file is checked whole before anything is written, so that a file with bad
rows imports nothing unless the caller chooses to skip them.
"""

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import curp
from .models import Derechohabiente

ENCABEZADO = ["curp", "nombre", "primer_apellido", "segundo_apellido"]
CAMPOS_NOMBRE = ENCABEZADO[1:]
LONGITUD_MAXIMA = 100
LOTE = 2000


class ArchivoInvalido(Exception):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass
class Lectura:
    filas: list[dict] = field(default_factory=list)
    errores: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Resultado:
    nuevos: int = 0
    actualizados: int = 0
    sin_cambios: int = 0


def _limpiar_nombre(valor: str) -> str:
    return " ".join(unicodedata.normalize("NFC", valor).split())


def _motivo_de_fila(fila: list[str], vistos: dict[str, int]) -> tuple[dict | None, str | None]:
    if len(fila) != len(ENCABEZADO):
        return None, f"se esperaban {len(ENCABEZADO)} columnas y hay {len(fila)}"
    datos = dict(zip(ENCABEZADO, fila, strict=True))
    try:
        datos["curp"] = curp.validar(datos["curp"])
    except ValidationError as error:
        return None, f"CURP «{datos['curp']}»: {error.messages[0]}"
    if datos["curp"] in vistos:
        return (
            None,
            f"CURP {datos['curp']} repetida (ya aparece en la línea {vistos[datos['curp']]})",
        )
    for campo in CAMPOS_NOMBRE:
        datos[campo] = _limpiar_nombre(datos[campo])
        if len(datos[campo]) > LONGITUD_MAXIMA:
            return None, f"{campo} tiene más de {LONGITUD_MAXIMA} caracteres"
    for campo in ("nombre", "primer_apellido"):
        if not datos[campo]:
            return None, f"falta {campo}"
    return datos, None


def _lineas_utf8(archivo) -> Iterator[str]:
    """Decode line by line, so that a byte that is not UTF-8 is reported with its line."""
    for numero, linea in enumerate(archivo, start=1):
        try:
            yield linea.decode("utf-8-sig" if numero == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ArchivoInvalido(
                f"El archivo no está codificado en UTF-8 (línea {numero}). Guárdelo como CSV UTF-8."
            ) from None


def leer(ruta: Path) -> Lectura:
    """Check every row; return the good ones and, for the rest, line number and reason."""
    lectura = Lectura()
    vistos: dict[str, int] = {}
    with open(ruta, "rb") as archivo:
        lector = csv.reader(_lineas_utf8(archivo))
        try:
            encabezado = [columna.strip().lower() for columna in next(lector, [])]
            if encabezado != ENCABEZADO:
                raise ArchivoInvalido(
                    f"La primera línea debe ser el encabezado {','.join(ENCABEZADO)}; "
                    f"se encontró {','.join(encabezado) or '(vacía)'}."
                )
            for fila in lector:
                if not any(celda.strip() for celda in fila):
                    continue
                datos, motivo = _motivo_de_fila(fila, vistos)
                if motivo:
                    lectura.errores.append((lector.line_num, motivo))
                else:
                    vistos[datos["curp"]] = lector.line_num
                    lectura.filas.append(datos)
        except csv.Error as error:
            raise ArchivoInvalido(
                f"El archivo no es un CSV válido (línea {lector.line_num}): {error}."
            ) from None
    return lectura


def guardar(filas: list[dict]) -> Resultado:
    """Insert new CURPs and correct changed names, in one transaction; equal rows stay untouched."""
    resultado = Resultado()
    ahora = timezone.now()
    with transaction.atomic():
        for inicio in range(0, len(filas), LOTE):
            lote = filas[inicio : inicio + LOTE]
            existentes = Derechohabiente.objects.in_bulk(
                [fila["curp"] for fila in lote], field_name="curp"
            )
            nuevos, cambiados = [], []
            for fila in lote:
                actual = existentes.get(fila["curp"])
                if actual is None:
                    nuevos.append(Derechohabiente(**fila))
                elif any(getattr(actual, campo) != fila[campo] for campo in CAMPOS_NOMBRE):
                    for campo in CAMPOS_NOMBRE:
                        setattr(actual, campo, fila[campo])
                    actual.actualizado = ahora
                    cambiados.append(actual)
                else:
                    resultado.sin_cambios += 1
            Derechohabiente.objects.bulk_create(nuevos)
            Derechohabiente.objects.bulk_update(cambiados, CAMPOS_NOMBRE + ["actualizado"])
            resultado.nuevos += len(nuevos)
            resultado.actualizados += len(cambiados)
    return resultado
