"""The lists' paginator (registro/admin/paginacion.py) over the synthetic national registry:
no COUNT(*) over the table, an estimate or a bounded count, no page that would read millions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registro.admin.paginacion import TOPE_CONTEO

from .conftest import DERECHOHABIENTES, LISTAS, SINTETICOS, lista, pedir

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registro_grande")]


def conteos_sin_tope(consultas) -> list[str]:
    """COUNT queries that are not bounded by a LIMIT: the full counts the list must avoid."""
    return [c["sql"] for c in consultas if "COUNT(" in c["sql"].upper() and "LIMIT" not in c["sql"]]


@pytest.mark.parametrize("nombre", LISTAS)
def test_la_lista_no_cuenta_toda_la_tabla(jefa, personas, nombre):
    respuesta, consultas, conteo = pedir(jefa, personas, nombre)

    assert conteos_sin_tope(consultas) == []
    pagina = respuesta.content.decode()
    paginador = re.search(r'<p class="paginator">(.*?)</p>', pagina, re.S)
    assert conteo in paginador.group(1)
    if "aprox." in conteo or "más de" in conteo:
        # The search bar and "select all" say the same, not a made-up exact number.
        texto = respuesta.context["cl"].paginator.conteo_texto
        assert f"{texto} resultados" in pagina
        assert f"Seleccionar en todas las páginas ({texto})" in pagina
    assert len(consultas) < 15  # no query per row


def test_la_lista_sin_filtro_tiene_paginas(jefa, personas):
    primera = lista(jefa, DERECHOHABIENTES).context["cl"]
    segunda = lista(jefa, DERECHOHABIENTES, p="2").context["cl"]
    claves = [d.clave_nombre for d in primera.result_list] + [
        d.clave_nombre for d in segunda.result_list
    ]
    assert len(claves) == 2 * primera.list_per_page
    assert claves == sorted(claves)
    assert primera.paginator.conteo_estimado
    assert primera.paginator.count >= SINTETICOS * 0.9


def test_la_lista_no_salta_hasta_paginas_que_leerian_millones(jefa, personas):
    # 20,000 rows at 100 per page: pages past 10,000 rows would be a costly OFFSET.
    with CaptureQueriesContext(connection) as consultas:
        respuesta = lista(jefa, DERECHOHABIENTES, p="150")
    assert respuesta.status_code == 200
    cl = respuesta.context["cl"]
    assert cl.paginator.num_pages == TOPE_CONTEO // cl.list_per_page
    desplazamientos = [
        int(n) for n in re.findall(r"OFFSET (\d+)", " ".join(c["sql"] for c in consultas))
    ]
    assert desplazamientos and max(desplazamientos) < TOPE_CONTEO
    assert len(cl.result_list) == cl.list_per_page
