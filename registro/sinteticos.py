"""Synthetic derechohabientes for demonstrations and tests: invented names, valid CURPs.

The surnames are words that are not Mexican surnames ("Ejemplo", "Prueba", ...),
so no generated row can describe a real person.
"""

import datetime
import random
import string
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
]
PRIMER_DIA = datetime.date(1950, 1, 1)
DIAS = (datetime.date(2005, 12, 31) - PRIMER_DIA).days


def generar(cantidad: int, semilla: int) -> Iterator[dict]:
    """Yield ``cantidad`` distinct rows with the import file's columns; same seed, same rows."""
    azar = random.Random(semilla)  # noqa: S311 - reproducible test data, not a secret
    vistas: set[str] = set()
    entidades = sorted(curp.ENTIDADES)
    while len(vistas) < cantidad:
        nombre, sexo = azar.choice(NOMBRES)
        primer = azar.choice(APELLIDOS_FICTICIOS)
        segundo = azar.choice(APELLIDOS_FICTICIOS + [""])
        nacimiento = PRIMER_DIA + datetime.timedelta(days=azar.randrange(DIAS))
        homoclave = azar.choice(string.digits if nacimiento.year < 2000 else string.ascii_uppercase)
        clave = curp.construir(
            nombre, primer, segundo, nacimiento, sexo, azar.choice(entidades), homoclave
        )
        if clave in vistas:
            continue
        vistas.add(clave)
        yield {
            "curp": clave,
            "nombre": nombre,
            "primer_apellido": primer,
            "segundo_apellido": segundo,
        }
