"""The derechohabientes screen (registro/admin/derechohabientes.py) over the synthetic national
registry: its filters, no mass deletion, the CURP in the change and add forms."""

import datetime
import re

import pytest
from django.urls import reverse

from registro.models import Derechohabiente, Usuario
from registro.padron import curp

from .conftest import DERECHOHABIENTES, ficha, lista, todos_los_encontrados

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registro_grande")]


# Filters


@pytest.mark.parametrize(
    "filtro, esperados",
    [
        ({"tipo__exact": "pensionado"}, {"pedro"}),
        ({"tipo__exact": "familiar"}, {"eva"}),
        ({"tipo__exact": "trabajador"}, {"ana", "jose", "rita", "nuria"}),
        ({"vigente__exact": "0"}, {"jose"}),
        ({"vigente__exact": "1"}, {"ana", "pedro", "eva", "rita", "nuria"}),
        ({"cuenta": "con"}, {"ana", "pedro"}),
        ({"cuenta": "sin"}, {"jose", "eva", "rita", "nuria"}),
        ({"cuenta": "con", "q": "ejemplo pru"}, {"ana", "pedro"}),
    ],
)
def test_los_filtros(jefa, personas, filtro, esperados):
    respuesta = lista(jefa, DERECHOHABIENTES, **filtro)
    cl = respuesta.context["cl"]
    mias = {d.pk: nombre for nombre, d in personas.items()}
    assert {mias[pk] for pk in todos_los_encontrados(respuesta) if pk in mias} == esperados
    # Over the synthetic registry too, and without repeating rows.
    if filtro.get("cuenta") == "con":
        con_cuenta = set(Usuario.objects.values_list("derechohabiente", flat=True))
        assert todos_los_encontrados(respuesta) <= con_cuenta
    assert cl.queryset.count() == len(todos_los_encontrados(respuesta))


# Actions


def test_no_hay_borrado_masivo_de_derechohabientes(jefa):
    acciones = lista(jefa, DERECHOHABIENTES).context["action_form"].fields["action"].choices
    assert [valor for valor, _ in acciones if valor] == ["exportar_csv"]


# The change form


def test_la_curp_no_se_cambia_en_la_ficha(administrador, personas):
    jose = personas["jose"]
    url = ficha("derechohabiente", jose.pk)
    pagina = lista(administrador, url).content.decode()
    campo = re.search(r'<input[^>]*name="curp"[^>]*>', pagina).group(0)
    assert "disabled" in campo and jose.curp in campo
    for derivado in ("fecha_nacimiento", "sexo", "entidad", "clave_nombre"):
        assert f'name="{derivado}"' not in pagina
    assert jose.clave_nombre in pagina

    otra = personas["ana"].curp[:-1] + "0"
    respuesta = administrador.post(
        url,
        {
            "curp": otra,
            "nombre": "José Luis",
            "primer_apellido": jose.primer_apellido,
            "segundo_apellido": jose.segundo_apellido,
            "tipo": "trabajador",
            "fecha_nacimiento": "2001-01-01",
            "sexo": "X",
            "usuario-TOTAL_FORMS": "0",
            "usuario-INITIAL_FORMS": "0",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    antes = (jose.curp, jose.fecha_nacimiento, jose.sexo, jose.entidad)
    jose.refresh_from_db()
    assert jose.nombre == "José Luis"
    assert (jose.curp, jose.fecha_nacimiento, jose.sexo, jose.entidad) == antes


def test_la_curp_se_escribe_al_dar_de_alta(administrador):
    clave = curp.construir("Alta", "Nueva", "Persona", datetime.date(1990, 5, 17), "H", "JC", "0")
    url = reverse("admin:registro_derechohabiente_add")
    campo = re.search(r'<input[^>]*name="curp"[^>]*>', lista(administrador, url).content.decode())
    assert "disabled" not in campo.group(0)
    respuesta = administrador.post(
        url,
        {
            "curp": clave.lower(),
            "nombre": "Alta",
            "primer_apellido": "Nueva",
            "segundo_apellido": "Persona",
            "tipo": "trabajador",
            "vigente": "on",
            "usuario-TOTAL_FORMS": "0",
            "usuario-INITIAL_FORMS": "0",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    nuevo = Derechohabiente.objects.get(clave_nombre="NUEVA PERSONA ALTA")
    assert (nuevo.fecha_nacimiento, nuevo.sexo, nuevo.entidad) == (
        datetime.date(1990, 5, 17),
        "H",
        "JC",
    )
