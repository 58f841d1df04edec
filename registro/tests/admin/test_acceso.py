"""Who enters the staff admin: staff, through its own login form; neither an Oficina Virtual
account nor its session."""

import pytest
from django.urls import reverse

from registro.models import Usuario

from ..conftest import CONTRASENA
from .conftest import CUENTAS, DERECHOHABIENTES, ENTRAR, INICIO, entrar

pytestmark = pytest.mark.django_db


def test_el_personal_entra_con_el_formulario_del_admin(client, db):
    Usuario.objects.create_superuser("jefa.sistemas", "jefa.sistemas@issste.example", CONTRASENA)

    respuesta = entrar(client, "jefa.sistemas")

    assert respuesta.status_code == 200
    assert respuesta.redirect_chain == [(INICIO, 302)]
    assert reverse("admin:app_list", args=["registro"]) in respuesta.content.decode()


def test_una_cuenta_que_no_es_de_personal_no_entra_al_admin(client, ana):
    Usuario.objects.create_user(
        "ana.ejemplo", "ana.ejemplo@correo.example", CONTRASENA, derechohabiente=ana
    )

    respuesta = entrar(client, "ana.ejemplo")

    assert respuesta.redirect_chain == []
    assert respuesta.context["form"].errors
    assert not respuesta.context["user"].is_authenticated
    respuesta = client.get(DERECHOHABIENTES)
    assert respuesta.status_code == 302
    assert respuesta.url.startswith(ENTRAR)


def test_una_sesion_de_la_oficina_virtual_no_abre_el_admin(client, ana):
    """Being signed in as a derechohabiente is not enough to see the registry."""
    cuenta = Usuario.objects.create_user(
        "ana.ejemplo", "ana.ejemplo@correo.example", CONTRASENA, derechohabiente=ana
    )
    client.force_login(cuenta)

    for url in (DERECHOHABIENTES, CUENTAS):
        respuesta = client.get(url)
        assert respuesta.status_code == 302
        assert respuesta.url.startswith(ENTRAR)
