"""The admin's search boxes (registro/admin/busqueda.py) over the synthetic national
registry: what a search means, the rows it finds, and that an index answers it."""

import pytest
from django.db.models import Q

from registro.admin.busqueda import _rango_de_curp, interpretar_busqueda
from registro.models import Derechohabiente

from ..conftest import planes
from .conftest import (
    CUENTAS,
    DERECHOHABIENTES,
    lista,
    pedir,
    que_empiezan_con,
    todos_los_encontrados,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registro_grande")]


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("eepa800207mdfjrn12", ("curp", "EEPA800207MDFJRN12")),
        ("EEPA-800207 MDFJRN12", ("curp", "EEPA800207MDFJRN12")),
        ("eepa8002", ("inicio_curp", "EEPA8002")),
        ("ejémplo  prú", ("nombre", "EJEMPLO PRU")),
        ("ñandú", ("nombre", "ÑANDU")),
        ("EEPA", ("nombre", "EEPA")),
        ("  ", ("", "")),
    ],
)
def test_que_entiende_la_busqueda(escrito, esperado):
    assert interpretar_busqueda(escrito) == esperado


@pytest.mark.parametrize(
    "inicio, hasta",
    [("EEPA80", "EEPA81"), ("EEPA8Z", "EEPA9"), ("EEPA9", "EEPAA"), ("ZZZZ9ZZ", "ZZZZA")],
)
def test_el_inicio_de_curp_es_un_rango(inicio, hasta):
    assert _rango_de_curp(inicio) == Q(curp__gte=inicio) & Q(curp__lt=hasta)


@pytest.mark.parametrize(
    "escribir", [str, str.lower, lambda c: f" {c[:4]}-{c[4:10]} {c[10:].lower()} "]
)
def test_buscar_por_curp_completa_da_solo_esa_fila(jefa, personas, escribir):
    ana = personas["ana"]
    respuesta = lista(jefa, DERECHOHABIENTES, q=escribir(ana.curp))
    assert list(respuesta.context["cl"].result_list) == [ana]
    assert todos_los_encontrados(respuesta) == {ana.pk}


def test_buscar_por_inicio_de_curp(jefa, personas):
    ana = personas["ana"]
    respuesta = lista(jefa, DERECHOHABIENTES, q=ana.curp[:10].lower())
    esperados = set(
        Derechohabiente.objects.filter(curp__startswith=ana.curp[:10]).values_list("pk", flat=True)
    )
    assert ana.pk in esperados
    assert todos_los_encontrados(respuesta) == esperados


@pytest.mark.parametrize("escrito", ["EJEMPLO PRU", "ejemplo pru", "Éjemplo  Prú", "ejemplo pru "])
def test_buscar_por_inicio_del_nombre(jefa, personas, escrito):
    respuesta = lista(jefa, DERECHOHABIENTES, q=escrito)

    encontrados = todos_los_encontrados(respuesta)
    assert encontrados == que_empiezan_con("EJEMPLO PRU")
    assert {personas[n].pk for n in ("ana", "pedro", "jose")} <= encontrados
    assert not {personas[n].pk for n in ("eva", "rita", "nuria")} & encontrados
    pagina = list(respuesta.context["cl"].result_list)
    assert [d.clave_nombre for d in pagina] == sorted(d.clave_nombre for d in pagina)


def test_buscar_por_inicio_del_nombre_con_enie(jefa, personas):
    respuesta = lista(jefa, DERECHOHABIENTES, q="ñandú ejemplar nu")
    assert todos_los_encontrados(respuesta) == {personas["nuria"].pk}
    # The synthetic registry has more than a page of ÑANDÚ EJEMPLAR: the list pages them.
    respuesta = lista(jefa, DERECHOHABIENTES, q="Ñandú Ejemplar")
    assert respuesta.context["cl"].multi_page
    assert todos_los_encontrados(respuesta) == que_empiezan_con("ÑANDU EJEMPLAR")


@pytest.mark.parametrize(
    "escribir",
    [
        lambda u: u.username.upper(),
        lambda u: u.email.upper(),
        lambda u: u.derechohabiente.curp.lower(),
        lambda u: u.derechohabiente.curp[:10],
        lambda u: "ejemplo prueba a",
    ],
    ids=["usuario", "correo", "curp", "inicio-de-curp", "inicio-del-nombre"],
)
def test_buscar_cuentas(jefa, personas, escribir):
    cuenta = personas["ana"].usuario
    encontrados = todos_los_encontrados(lista(jefa, CUENTAS, q=escribir(cuenta)))
    assert cuenta.pk in encontrados
    assert personas["pedro"].usuario.pk not in encontrados


# Searches through an index


@pytest.mark.parametrize(
    "nombre",
    [
        "sin-filtro",
        "cuentas",
        "curp",
        "inicio-de-curp",
        "inicio-del-nombre",
        "pensionados",
        "no-vigentes",
        "cuentas-curp",
        "cuentas-usuario",
        "cuentas-correo",
        "cuentas-nombre",
    ],
)
def test_las_busquedas_usan_un_indice(jefa, personas, nombre):
    _respuesta, consultas, _conteo = pedir(jefa, personas, nombre)

    tablas = ["registro_derechohabiente"]
    if nombre.startswith("cuentas"):
        tablas.append("registro_usuario")
    for tabla in tablas:
        for plan in planes(consultas, tabla):
            for leida in tablas:
                assert f"Seq Scan on {leida}" not in plan, plan
