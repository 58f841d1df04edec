"""Synthetic derechohabientes for demonstrations, tests and benchmarks: invented surnames,
valid CURPs, every state, fast enough for the national registry's 14 million.

The surnames are words that are not Mexican surnames ("Ejemplo", "Prueba", ...), so no
generated row can describe a real person. Rows are distinct by construction: each row is
one point of a mixed-radix space (name key × birth date × state × homoclave) visited in an
order that depends on the seed, so no set of the CURPs already written is needed.
"""

import datetime
import math
import random
from collections.abc import Iterator

from . import curp

NOMBRES = [
    ("María Guadalupe", "M"),
    ("José Luis", "H"),
    ("Juan", "H"),
    ("Ana", "M"),
    ("Carlos", "H"),
    ("Rosa", "M"),
    ("Miguel", "H"),
    ("Laura", "M"),
    ("Francisco", "H"),
    ("Patricia", "M"),
    ("Alejandro", "H"),
    ("Verónica", "M"),
    ("Jorge", "H"),
    ("Sofía", "M"),
    ("Fernando", "H"),
    ("Leticia", "M"),
    ("Ricardo", "H"),
    ("Gabriela", "M"),
    ("Arturo", "H"),
    ("Noemí", "M"),
    ("Ximena", "M"),
    ("Íñigo", "H"),
    ("Dana", "X"),
    ("Eduardo", "H"),
    ("Beatriz", "M"),
    ("Héctor", "H"),
    ("Olivia", "M"),
    ("Rubén", "H"),
    ("Teresa", "M"),
    ("Salvador", "H"),
]
APELLIDOS_FICTICIOS = [
    "Ejemplo",
    "Muestra",
    "Prueba",
    "Ficticio",
    "Demostración",
    "Simulado",
    "Ensayo",
    "Borrador",
    "Maqueta",
    "Plantilla",
    "Supuesto",
    "Ilustrativo",
    "Inventado",
    "Ñandú Ejemplar",
    "Modelo Patrón",
    "Hipotético",
    "Imaginario",
    "Provisional",
    "Ejemplar",
    "Figurado",
]
PRIMER_DIA = datetime.date(1940, 1, 1)
ULTIMO_DIA = datetime.date(2008, 12, 31)
ENTIDADES = sorted(curp.ENTIDADES)


def _peso(texto: str, desde: int) -> int:
    """Contribution of ``texto`` at position ``desde`` to the check-digit sum."""
    return sum(curp.PESOS[desde + i][c] for i, c in enumerate(texto))


def _claves_de_nombre() -> list[tuple[str, str, str, int, str]]:
    """One name per distinct CURP name part (initials, sex, inner consonants): as template
    (first 4 chars, sex, chars 14-16), their check-digit weight, and the CSV name columns."""
    vistas = {}
    for nombre, sexo in NOMBRES:
        for primer in APELLIDOS_FICTICIOS:
            for segundo in [*APELLIDOS_FICTICIOS, ""]:
                modelo = curp.construir(
                    nombre, primer, segundo, datetime.date(1999, 1, 1), sexo, "DF", "0"
                )
                clave = modelo[:4] + modelo[10] + modelo[13:16]
                if clave not in vistas:
                    peso = _peso(modelo[:4], 0) + _peso(modelo[10], 10) + _peso(modelo[13:16], 13)
                    vistas[clave] = (
                        modelo[:4],
                        modelo[10],
                        modelo[13:16],
                        peso,
                        f"{nombre},{primer},{segundo}",
                    )
    return sorted(vistas.values())


def _fechas() -> list[tuple[str, int, bool]]:
    dias = (ULTIMO_DIA - PRIMER_DIA).days + 1
    fechas = []
    for n in range(dias):
        dia = PRIMER_DIA + datetime.timedelta(days=n)
        texto = dia.strftime("%y%m%d")
        fechas.append((texto, _peso(texto, 4), dia.year >= 2000))
    return fechas


def lineas(cantidad: int, semilla: int) -> Iterator[str]:
    """``cantidad`` CSV lines ``curp,nombre,primer_apellido,segundo_apellido``, distinct,
    the same for the same seed."""
    nombres = _claves_de_nombre()
    fechas = _fechas()
    entidades = [(e, _peso(e, 11)) for e in ENTIDADES]
    tamanos = (len(nombres), len(fechas), len(entidades), 10)
    total = math.prod(tamanos)
    if cantidad > total:
        raise ValueError(f"A lo más {total} derechohabientes distintos.")
    azar = random.Random(semilla)  # noqa: S311 - reproducible test data, not a secret
    paso = azar.randrange(1, total)
    while math.gcd(paso, total) != 1:
        paso += 1
    posicion = azar.randrange(total)
    digitos, letras = "0123456789", "ABCDEFGHJK"
    pesos_homoclave = [_peso(d, 16) for d in digitos], [_peso(letra, 16) for letra in letras]
    n_nombres, n_fechas, n_entidades, _ = tamanos
    for _ in range(cantidad):
        posicion = (posicion + paso) % total
        resto, h = divmod(posicion, 10)
        resto, e = divmod(resto, n_entidades)
        n, f = divmod(resto, n_fechas)
        iniciales, sexo, consonantes, peso_nombre, columnas = nombres[n]
        fecha, peso_fecha, siglo_xxi = fechas[f]
        entidad, peso_entidad = entidades[e]
        homoclave = (letras if siglo_xxi else digitos)[h]
        suma = peso_nombre + peso_fecha + peso_entidad + pesos_homoclave[siglo_xxi][h]
        verificador = (10 - suma % 10) % 10
        yield (
            f"{iniciales}{fecha}{sexo}{entidad}{consonantes}{homoclave}{verificador},{columnas}\n"
        )


def generar(cantidad: int, semilla: int) -> Iterator[dict]:
    """The same rows as dicts with the import file's columns."""
    for linea in lineas(cantidad, semilla):
        clave, nombre, primer, segundo = linea.rstrip("\n").split(",")
        yield {
            "curp": clave,
            "nombre": nombre,
            "primer_apellido": primer,
            "segundo_apellido": segundo,
        }
