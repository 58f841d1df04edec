"""Loading the registry of derechohabientes from a CSV file, at national scale.

One pass over the file checks every row with the same rules as the web form
(curp.problema) and streams the good rows with PostgreSQL's COPY into a temporary
table; repeated CURPs are found there; then one set-based INSERT … ON CONFLICT writes new
rows and corrects changed ones, leaving equal rows untouched. Everything runs in one
transaction: a bad file (without --omitir-errores), an error or Ctrl-C midway leaves the
registry exactly as it was.
"""

import collections
import contextlib
import csv
import datetime
import io
import itertools
import multiprocessing
import os
import signal
import time
import unicodedata
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import Derechohabiente, clave_de_nombre
from . import curp

ENCABEZADO = ["curp", "nombre", "primer_apellido", "segundo_apellido"]
OPCIONALES = ["tipo", "vigente", "fecha_nacimiento", "sexo", "entidad"]  # in any order
CAMPOS_NOMBRE = ENCABEZADO[1:]
LONGITUD_MAXIMA = 100
TIPOS = set(Derechohabiente.Tipo.values)
SI_NO = {
    "": None,
    "1": True,
    "si": True,
    "sí": True,
    "true": True,
    "0": False,
    "no": False,
    "false": False,
}
# Columns of the temporary table, in COPY order.
CARGA = [
    "linea",
    "curp",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "clave_nombre",
    "fecha_nacimiento",
    "sexo",
    "entidad",
    "tipo",
    "vigente",
]


class ArchivoInvalido(Exception):
    """The file as a whole cannot be read (encoding, header)."""


class ArchivoConErrores(Exception):
    """Some rows are bad and the caller did not ask to skip them: nothing was written."""


@dataclass
class Resultado:
    leidas: int = 0
    nuevos: int = 0
    actualizados: int = 0
    sin_cambios: int = 0
    errores: list[tuple[int, str, str]] = field(default_factory=list)  # line, CURP, reason
    segundos: dict[str, float] = field(default_factory=dict)  # per phase
    columnas: list[str] = field(default_factory=list)  # the file's header


def _limpiar_nombre(valor: str) -> str:
    if not valor.isascii():
        valor = unicodedata.normalize("NFC", valor)
    return " ".join(valor.split())


def _revisar(datos: dict, hoy: datetime.date) -> str | None:
    """The reason a row cannot be imported, or None; fills in what the CURP tells."""
    clave = datos["curp"]
    if len(clave) != curp.LONGITUD or not (clave.isalnum() and clave.isupper()):
        clave = curp.normalizar(clave)
    encontrado = curp.problema(clave, hoy)
    if encontrado is not None:
        mensaje = str(curp.MENSAJES[encontrado[0]]) % encontrado[1]
        return f"CURP «{datos['curp']}»: {mensaje}"
    datos["curp"] = clave
    for campo in CAMPOS_NOMBRE:
        datos[campo] = _limpiar_nombre(datos[campo])
        if len(datos[campo]) > LONGITUD_MAXIMA:
            return f"{campo} tiene más de {LONGITUD_MAXIMA} caracteres"
    for campo in ("nombre", "primer_apellido"):
        if not datos[campo]:
            return f"falta {campo}"
    derivados = {
        "fecha_nacimiento": curp.fecha_de_nacimiento(clave).isoformat(),
        "sexo": clave[10],
        "entidad": clave[11:13],
    }
    for campo, segun_curp in derivados.items():
        dado = datos.get(campo, "").strip().upper()
        if dado and dado != segun_curp:
            return f"{campo} «{dado}» no coincide con la CURP ({segun_curp})"
    datos.update(derivados)
    tipo = datos.get("tipo", "").strip().lower()
    if tipo and tipo not in TIPOS:
        return f"tipo «{tipo}» no es uno de: {', '.join(sorted(TIPOS))}"
    datos["tipo"] = tipo
    vigente = datos.get("vigente", "").strip().lower()
    if vigente not in SI_NO:
        return f"vigente «{vigente}» debe ser sí o no"
    datos["vigente"] = SI_NO[vigente]
    return None


class _Flujo(io.RawIOBase):
    """A file-like object for COPY that pulls bytes from a generator of byte strings, and
    closes it (and the worker processes behind it) when closed itself."""

    def __init__(self, trozos: Generator[bytes]):
        self._trozos = trozos
        self._actual = memoryview(b"")
        self.error: BaseException | None = None  # psycopg2 hides what .read() raised

    def readable(self):
        return True

    def readinto(self, memoria):
        try:
            while not self._actual:  # a chunk with no good rows is empty: not the end
                trozo = next(self._trozos, None)
                if trozo is None:
                    return 0
                self._actual = memoryview(trozo)
            n = min(len(memoria), len(self._actual))
            memoria[:n] = self._actual[:n]
            self._actual = self._actual[n:]
            return n
        except BaseException as error:  # Ctrl-C included: it must reach the transaction
            self.error = error
            raise

    def close(self):
        self._trozos.close()
        super().close()


def _revisar_trozo(trozo: tuple[int, list[bytes], list[str], datetime.date]):
    """Check a run of raw lines (in a worker process): the COPY bytes of the good rows, the
    (line, CURP, reason) of the bad ones, and how many rows there were. Line breaks inside
    quoted fields are not names: such a row is reported, not joined."""
    primera, lineas, encabezado, hoy = trozo
    salida = io.StringIO()
    escritor = csv.writer(salida)
    errores, leidas = [], 0
    for numero, crudo in enumerate(lineas, start=primera):
        try:
            texto = crudo.decode("utf-8")
        except UnicodeDecodeError:
            raise ArchivoInvalido(
                f"El archivo no está codificado en UTF-8 (línea {numero}). Guárdelo como CSV UTF-8."
            ) from None
        try:
            fila = next(csv.reader([texto]), [])
        except csv.Error as error:
            errores.append((numero, "", f"no es una fila CSV válida: {error}"))
            continue
        if not any(celda.strip() for celda in fila):
            continue
        leidas += 1
        if len(fila) != len(encabezado):
            motivo = f"se esperaban {len(encabezado)} columnas y hay {len(fila)}"
            errores.append((numero, fila[0] if fila else "", motivo))
            continue
        datos = dict(zip(encabezado, fila, strict=True))
        motivo = _revisar(datos, hoy)
        if motivo:
            errores.append((numero, fila[0], motivo))
            continue
        datos["linea"] = numero
        datos["clave_nombre"] = clave_de_nombre(
            datos["primer_apellido"], datos["segundo_apellido"], datos["nombre"]
        )
        escritor.writerow(
            [datos.get(c) if datos.get(c) != "" or c in CAMPOS_NOMBRE else None for c in CARGA]
        )
    return salida.getvalue().encode(), errores, leidas


def _encabezado(archivo) -> list[str]:
    try:
        primera = next(archivo, b"").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchivoInvalido(
            "El archivo no está codificado en UTF-8 (línea 1). Guárdelo como CSV UTF-8."
        ) from None
    encabezado = [c.strip().lower() for c in next(csv.reader([primera]), [])]
    opcionales = encabezado[len(ENCABEZADO) :]
    if (
        encabezado[: len(ENCABEZADO)] != ENCABEZADO
        or not set(opcionales) <= set(OPCIONALES)
        or len(set(opcionales)) != len(opcionales)
    ):
        raise ArchivoInvalido(
            f"La primera línea debe ser el encabezado {','.join(ENCABEZADO)}; "
            f"se encontró {','.join(encabezado) or '(vacía)'}. Después pueden ir, "
            f"en cualquier orden, las columnas {','.join(OPCIONALES)}."
        )
    return encabezado


TROZO = 20_000  # lines per unit of work


def _copia(ruta: Path, resultado: Resultado, avance: Callable[[int], None]) -> Generator[bytes]:
    """The COPY bytes of the file's good rows, checked by one worker process per core."""
    hoy = timezone.localdate()
    with open(ruta, "rb") as archivo:
        resultado.columnas = encabezado = _encabezado(archivo)

        def trozos():
            numero = 2
            while lineas := list(itertools.islice(archivo, TROZO)):
                yield numero, lineas, encabezado, hoy
                numero += len(lineas)

        with contextlib.closing(_en_paralelo(_revisar_trozo, trozos())) as revisados:
            for copia, errores, leidas in revisados:
                resultado.errores.extend(errores)
                antes = resultado.leidas
                resultado.leidas += leidas
                if resultado.leidas // 100_000 > antes // 100_000:
                    avance(resultado.leidas // 100_000 * 100_000)
                yield copia


def _en_paralelo(funcion: Callable, trabajos: Iterable) -> Generator:
    """funcion(trabajo) for each job, in order, one worker process per core, at most two jobs
    per process in flight so that memory stays flat on a 14-million-row file.

    Leaving early (a line not in UTF-8, an error, Ctrl-C) cancels the jobs not started and
    waits for the few running: multiprocessing.Pool.terminate() can hang for good (CPython
    issues 73945 and 96995), and once did in CI. The workers ignore Ctrl-C; the import's
    process answers it."""
    procesos = os.cpu_count() or 1
    grupo = ProcessPoolExecutor(
        procesos,
        mp_context=multiprocessing.get_context("fork"),
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    )
    en_curso = collections.deque()
    try:
        for trabajo in trabajos:
            en_curso.append(grupo.submit(funcion, trabajo))
            if len(en_curso) >= 2 * procesos:
                yield en_curso.popleft().result()
        while en_curso:
            yield en_curso.popleft().result()
    finally:
        grupo.shutdown(cancel_futures=True)


_CREAR_CARGA = """
CREATE TEMPORARY TABLE carga (
    linea integer, curp varchar(18), nombre varchar(100), primer_apellido varchar(100),
    segundo_apellido varchar(100), clave_nombre varchar(310), fecha_nacimiento date,
    sexo varchar(1), entidad varchar(2), tipo varchar(20), vigente boolean
) ON COMMIT DROP
"""

_REPETIDAS = """
WITH repetidas AS (
    SELECT linea, curp, min(linea) OVER (PARTITION BY curp) AS primera FROM carga
)
DELETE FROM carga USING repetidas
WHERE carga.linea = repetidas.linea AND repetidas.linea <> repetidas.primera
RETURNING carga.linea, carga.curp, repetidas.primera
"""


def _propias(columnas: list[str]) -> list[str]:
    """The registry columns the file sets: tipo and vigente only when it has those columns."""
    propias = CARGA[CARGA.index("nombre") : CARGA.index("tipo")]  # nombre … entidad
    return propias + [c for c in ("tipo", "vigente") if c in columnas]


def _valor(columna: str, tabla: str = "") -> str:
    """What a staging column writes into the registry (tipo and vigente have defaults)."""
    por_omision = {"tipo": "'trabajador'", "vigente": "true"}
    if columna in por_omision:
        return f"coalesce({tabla}{columna}, {por_omision[columna]})"
    return f"{tabla}{columna}"


def _sin_cambios(columnas: list[str]) -> str:
    """DELETE from the staging table the rows the registry already has exactly as they are.

    Re-importing the whole registry (the nightly file) changes few rows; left in, each of
    14 million rows went through ON CONFLICT's probe, lock and comparison: 440 s. One hash
    join removes them first."""
    propias = _propias(columnas)
    actuales = ", ".join(f"d.{c}" for c in propias)
    nuevos = ", ".join(_valor(c, "c.") for c in propias)
    return f"""
    DELETE FROM carga c USING registro_derechohabiente d
    WHERE d.curp = c.curp AND ({actuales}) IS NOT DISTINCT FROM ({nuevos})
    """


def _upsert(columnas: list[str], *, tabla_vacia: bool) -> str:
    """INSERT … ON CONFLICT that changes only what the file has and only rows that differ.
    tipo and vigente are written only when the file has those columns."""
    propias = _propias(columnas)
    insertadas = ["curp", *propias, *(c for c in ("tipo", "vigente") if c not in propias)]
    seleccion = [_valor(c) for c in insertadas]
    asignar = ", ".join(f"{c} = EXCLUDED.{c}" for c in propias)
    actuales = ", ".join(f"d.{c}" for c in propias)
    nuevos = ", ".join(f"EXCLUDED.{c}" for c in propias)
    # Only this module's constant column names are interpolated; values go as parameters.
    # In CURP order the unique index is filled left to right; an empty table has no index yet
    # (see _indices) and no conflicts (repeated CURPs were removed from carga).
    conflicto = (
        ""
        if tabla_vacia
        else f"""ORDER BY curp
        ON CONFLICT (curp) DO UPDATE SET {asignar}, actualizado = EXCLUDED.actualizado
        WHERE ({actuales}) IS DISTINCT FROM ({nuevos})"""
    )
    return f"""
    WITH escritas AS (
        INSERT INTO registro_derechohabiente AS d ({", ".join(insertadas)}, creado, actualizado)
        SELECT {", ".join(seleccion)}, %(ahora)s, %(ahora)s FROM carga
        {conflicto}
        RETURNING (xmax = 0) AS nueva
    )
    SELECT count(*) FILTER (WHERE nueva), count(*) FILTER (WHERE NOT nueva) FROM escritas
    """


def _indices(conexion, *, quitar: bool) -> None:
    """Drop or re-create the registry's unique CURP constraint and name index (as declared in
    the model's Meta), inside the import's transaction."""
    modelo = Derechohabiente._meta
    with conexion.schema_editor(atomic=False) as editor:
        for restriccion in modelo.constraints:
            (editor.remove_constraint if quitar else editor.add_constraint)(
                Derechohabiente, restriccion
            )
        for indice in modelo.indexes:
            (editor.remove_index if quitar else editor.add_index)(Derechohabiente, indice)


def _quitar_repetidas(cursor, resultado: Resultado) -> None:
    """Remove from the staging table every repetition of a CURP and report it."""
    inicio = time.monotonic()
    cursor.execute(_REPETIDAS)
    for linea, clave, primera in cursor.fetchall():
        resultado.errores.append(
            (linea, clave, f"CURP {clave} repetida (ya aparece en la línea {primera})")
        )
    resultado.errores.sort()
    resultado.segundos["repetidas"] = time.monotonic() - inicio


def _primera_carga(cursor, resultado: Resultado, *, omitir_errores: bool) -> None:
    """Into an empty registry: insert, then build the indexes once (a sort instead of 14
    million index insertions). If the unique index refuses a repeated CURP, the attempt is
    undone and the repetitions are found and reported, as for any other load."""
    _indices(connection, quitar=True)
    try:
        with transaction.atomic():
            _insertar_e_indexar(cursor, resultado)
    except IntegrityError:
        _quitar_repetidas(cursor, resultado)
        if not omitir_errores:
            raise ArchivoConErrores(resultado) from None
        _insertar_e_indexar(cursor, resultado)


def _insertar_e_indexar(cursor, resultado: Resultado) -> None:
    cursor.execute(_upsert(resultado.columnas, tabla_vacia=True), {"ahora": timezone.now()})
    resultado.nuevos, resultado.actualizados = cursor.fetchone()
    _indices(connection, quitar=False)
    cursor.execute("ANALYZE registro_derechohabiente")


def importar(
    ruta: Path, *, omitir_errores: bool = False, avance: Callable[[int], None] = lambda n: None
) -> Resultado:
    """Check and load the file in one transaction; see the module's docstring."""
    resultado = Resultado()
    with transaction.atomic(), connection.cursor() as cursor:
        inicio = time.monotonic()
        cursor.execute("DROP TABLE IF EXISTS carga")  # an earlier import in this transaction
        cursor.execute(_CREAR_CARGA)
        # Empty text stays text: only the optional columns may be NULL.
        no_nulos = "nombre, primer_apellido, segundo_apellido, clave_nombre"
        copiar = (
            f"COPY carga ({', '.join(CARGA)}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({no_nulos}))"
        )
        with _Flujo(_copia(ruta, resultado, avance)) as fuente:
            try:
                cursor.copy_expert(copiar, io.BufferedReader(fuente, 1 << 20))
            except Exception:
                if fuente.error is not None:
                    raise fuente.error from None
                raise
        resultado.segundos["lectura, validación y COPY"] = time.monotonic() - inicio

        # A CURP twice in the file must be reported, not written twice. On a first load of a
        # clean file the unique index, built anyway, is what finds out (see _primera_carga);
        # otherwise the staging table is searched for them first.
        vacia = not Derechohabiente.objects.exists()
        if not vacia or resultado.errores:
            _quitar_repetidas(cursor, resultado)
        if resultado.errores and not omitir_errores:
            raise ArchivoConErrores(resultado)

        inicio = time.monotonic()
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if vacia:
            _primera_carga(cursor, resultado, omitir_errores=omitir_errores)
        else:
            cursor.execute(_sin_cambios(resultado.columnas))
            cursor.execute(
                _upsert(resultado.columnas, tabla_vacia=False), {"ahora": timezone.now()}
            )
            resultado.nuevos, resultado.actualizados = cursor.fetchone()
        validas = resultado.leidas - len(resultado.errores)
        resultado.sin_cambios = validas - resultado.nuevos - resultado.actualizados
        resultado.segundos["inserción y actualización"] = time.monotonic() - inicio
    return resultado
