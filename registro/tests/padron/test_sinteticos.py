"""Synthetic derechohabientes (registro/padron/sinteticos.py) and manage.py
generar_derechohabientes: valid, distinct, reproducible, every state."""

import io

import pytest
from django.core.management import call_command

from registro.padron import curp, importacion, sinteticos

pytestmark = pytest.mark.django_db


def test_los_sinteticos_son_validos_distintos_y_reproducibles():
    filas = list(sinteticos.generar(300, semilla=7))
    claves = [fila["curp"] for fila in filas]
    assert all(curp.es_valida(clave) for clave in claves)
    assert len(set(claves)) == 300
    assert filas == list(sinteticos.generar(300, semilla=7))


def test_generar_escribe_n_filas_distintas_y_validas(tmp_path):
    from registro.padron import curp

    ruta = tmp_path / "gen.csv"
    call_command(
        "generar_derechohabientes", 5000, salida=str(ruta), semilla=3, stderr=io.StringIO()
    )
    lineas = ruta.read_text(encoding="utf-8").splitlines()
    assert lineas[0] == ",".join(importacion.ENCABEZADO)
    claves = [linea.split(",")[0] for linea in lineas[1:]]
    assert len(claves) == len(set(claves)) == 5000
    assert all(curp.es_valida(c) for c in claves)
    assert len({c[11:13] for c in claves}) == len(curp.ENTIDADES)  # every state
