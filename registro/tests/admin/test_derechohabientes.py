"""The derechohabientes screen (registro/admin/derechohabientes.py) over a few rows: the list,
its search box, the change form with the account tied to the row."""

import pytest
from django.urls import reverse

from .conftest import DERECHOHABIENTES, encontrados

pytestmark = pytest.mark.django_db


def test_la_lista_de_derechohabientes_muestra_el_registro(personal, ana, carlos):
    respuesta = personal.get(DERECHOHABIENTES)

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    assert ana.curp in pagina
    assert carlos.curp in pagina


@pytest.mark.parametrize(
    "busqueda",
    [
        lambda d: d.curp,
        lambda d: d.curp.lower(),
        lambda d: d.curp[:10],
        lambda d: d.primer_apellido,
        lambda d: f"{d.primer_apellido} {d.segundo_apellido[:3]}".lower(),
        lambda d: f"{d.primer_apellido} {d.segundo_apellido} {d.nombre}",
    ],
    # Names are searched from their start, in the registry's order APELLIDO APELLIDO NOMBRE:
    # an index answers that at 14 million rows; a search inside names would read them all.
    ids=[
        "curp",
        "curp-minusculas",
        "inicio-de-curp",
        "primer-apellido",
        "apellidos-en-minusculas",
        "nombre-completo",
    ],
)
def test_buscar_derechohabientes(personal, ana, carlos, busqueda):
    assert encontrados(personal, DERECHOHABIENTES, busqueda(ana)) == [ana]
    assert encontrados(personal, DERECHOHABIENTES, busqueda(carlos)) == [carlos]


def test_la_ficha_del_derechohabiente_muestra_su_cuenta(personal, cuentas, ana, carlos):
    respuesta = personal.get(reverse("admin:registro_derechohabiente_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    assert "usuario.uno" in pagina
    assert "usuario.dos" not in pagina


def test_la_ficha_de_un_derechohabiente_sin_cuenta_se_abre(personal, ana):
    respuesta = personal.get(reverse("admin:registro_derechohabiente_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    assert ana.curp in respuesta.content.decode()


def test_el_personal_corrige_el_nombre_de_un_derechohabiente_con_cuenta(personal, cuentas, ana):
    cuenta, _ = cuentas
    url = reverse("admin:registro_derechohabiente_change", args=[ana.pk])
    pagina = personal.get(url).content.decode()
    datos = {
        "curp": ana.curp,
        "nombre": "Ana María",
        "primer_apellido": ana.primer_apellido,
        "segundo_apellido": ana.segundo_apellido,
        "tipo": ana.tipo,
        # The read-only account inline, as the change page renders it.
        "usuario-TOTAL_FORMS": "1",
        "usuario-INITIAL_FORMS": "1",
        "usuario-MIN_NUM_FORMS": "0",
        "usuario-MAX_NUM_FORMS": "0",
        "usuario-0-id": str(cuenta.pk),
        "usuario-0-derechohabiente": str(ana.pk),
    }
    for campo in datos:
        assert f'name="{campo}"' in pagina

    respuesta = personal.post(url, datos)

    assert respuesta.status_code == 302
    ana.refresh_from_db()
    assert ana.nombre == "Ana María"
    assert ana.usuario == cuenta
