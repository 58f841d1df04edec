"""The registry's CSV export (registro/admin/exportacion.py) over the synthetic national
registry: the rows marked, or every row the search and filters select, streamed."""

import csv
import io

import pytest

from registro.admin.exportacion import COLUMNAS_CSV
from registro.models import Derechohabiente, Usuario

from .conftest import DERECHOHABIENTES, que_empiezan_con

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registro_grande")]


def leer_csv(respuesta) -> list[list[str]]:
    assert respuesta.status_code == 200
    assert respuesta.streaming
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"].startswith('attachment; filename="derechohabientes-')
    texto = b"".join(respuesta.streaming_content).decode("utf-8")
    assert texto.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texto[1:])))


def exportar(cliente, pks, url=DERECHOHABIENTES, todos=False):
    return cliente.post(
        url,
        {
            "action": "exportar_csv",
            "index": "0",
            "_selected_action": [str(pk) for pk in pks],
            "select_across": "1" if todos else "0",
        },
    )


def test_exportar_las_filas_marcadas(administrador, personas, caplog):
    jose, pedro = personas["jose"], personas["pedro"]
    filas = leer_csv(exportar(administrador, [jose.pk, pedro.pk]))

    assert filas[0] == COLUMNAS_CSV
    assert sorted(filas[1:]) == sorted(
        [
            [jose.curp, "José", "Éjemplo", "Prúeba", "trabajador", "0"]
            + [jose.fecha_nacimiento.isoformat(), jose.sexo, jose.entidad],
            [pedro.curp, "Pedro", "Ejemplo", "Prudencio", "pensionado", "1"]
            + [pedro.fecha_nacimiento.isoformat(), pedro.sexo, pedro.entidad],
        ]
    )
    # One log line, with no personal data in it.
    registro = [r.getMessage() for r in caplog.records if r.name == "registro.admin.exportacion"]
    assert len(registro) == 1 and "2 filas" in registro[0]
    assert jose.curp not in registro[0] and "José" not in registro[0]


@pytest.mark.parametrize(
    "parametros, esperados",
    [
        ("q=ejemplo+pru", lambda: que_empiezan_con("EJEMPLO PRU")),
        (
            "cuenta=con&q=ejemplo",
            lambda: (
                que_empiezan_con("EJEMPLO ")
                & set(Usuario.objects.values_list("derechohabiente", flat=True))
            ),
        ),
    ],
)
def test_exportar_toda_la_seleccion_filtrada(administrador, personas, parametros, esperados):
    """Selecting all across pages exports every row the search and filters select."""
    filas = leer_csv(
        exportar(administrador, [personas["pedro"].pk], f"{DERECHOHABIENTES}?{parametros}", True)
    )
    curps = [fila[0] for fila in filas[1:]]
    assert len(curps) == len(set(curps))
    esperadas = set(
        Derechohabiente.objects.filter(pk__in=esperados()).values_list("curp", flat=True)
    )
    assert len(esperadas) > 1
    assert set(curps) == esperadas
