"""The two staff groups (migration 0006) over the synthetic national registry: "Mesa de
ayuda" only looks, "Administradores del registro" changes and exports; staff accounts are
for superusers alone."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from registro.models import Usuario

from .conftest import (
    ADMINISTRADORES,
    CUENTAS,
    DERECHOHABIENTES,
    MESA_DE_AYUDA,
    ficha,
    lista,
    personal_en,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registro_grande")]


@pytest.fixture
def mesa():
    return personal_en(MESA_DE_AYUDA, "mesa.ayuda")


def test_los_grupos_de_personal_tienen_sus_permisos():
    permisos = {
        grupo.name: set(grupo.permissions.values_list("codename", flat=True))
        for grupo in Group.objects.filter(name__in=[MESA_DE_AYUDA, ADMINISTRADORES])
    }
    assert permisos[MESA_DE_AYUDA] == {"view_derechohabiente", "view_usuario"}
    assert permisos[ADMINISTRADORES] == {
        f"{accion}_{modelo}"
        for accion in ("view", "add", "change", "delete")
        for modelo in ("derechohabiente", "usuario")
    } | {"exportar_derechohabiente"}


def test_la_mesa_de_ayuda_ve_las_listas_y_las_fichas(mesa, personas):
    ana = personas["ana"]
    for url in (DERECHOHABIENTES, CUENTAS):
        assert ana.curp in lista(mesa, url, q=ana.curp).content.decode()
    assert ana.curp in lista(mesa, ficha("derechohabiente", ana.pk)).content.decode()
    pagina = lista(mesa, ficha("usuario", ana.usuario.pk)).content.decode()
    assert "ana.cuenta" in pagina
    assert 'name="email"' not in pagina  # read-only


def test_la_mesa_de_ayuda_no_cambia_nada(mesa, personas):
    ana = personas["ana"]
    datos = {
        "curp": ana.curp,
        "nombre": "Otra",
        "primer_apellido": "Persona",
        "segundo_apellido": "",
        "tipo": "trabajador",
        "vigente": "on",
        "usuario-TOTAL_FORMS": "0",
        "usuario-INITIAL_FORMS": "0",
    }
    assert mesa.post(ficha("derechohabiente", ana.pk), datos).status_code == 403
    respuesta = mesa.post(
        ficha("usuario", ana.usuario.pk),
        {"username": "otro.nombre", "email": "otro@correo.example", "is_active": ""},
    )
    assert respuesta.status_code == 403
    # Actions that change accounts are not offered either.
    assert lista(mesa, CUENTAS).context["action_form"] is None
    mesa.post(CUENTAS, {"action": "desactivar", "index": "0", "_selected_action": [ana.usuario.pk]})
    ana.refresh_from_db()
    ana.usuario.refresh_from_db()
    assert (ana.nombre, ana.usuario.username, ana.usuario.is_active) == ("Ana", "ana.cuenta", True)


def test_la_mesa_de_ayuda_no_exporta(mesa, personas):
    assert lista(mesa, DERECHOHABIENTES).context["action_form"] is None
    respuesta = mesa.post(
        DERECHOHABIENTES,
        {"action": "exportar_csv", "index": "0", "_selected_action": [personas["ana"].pk]},
    )
    assert not respuesta.streaming


def test_un_administrador_del_registro_cambia_derechohabientes_y_cuentas(administrador, personas):
    ana = personas["ana"]
    datos = {
        "curp": ana.curp,
        "nombre": "Ana María",
        "primer_apellido": "Ejemplo",
        "segundo_apellido": "Prueba",
        "tipo": "pensionado",
        "vigente": "on",
        "usuario-TOTAL_FORMS": "1",
        "usuario-INITIAL_FORMS": "1",
        "usuario-MIN_NUM_FORMS": "0",
        "usuario-MAX_NUM_FORMS": "0",
        "usuario-0-id": str(ana.usuario.pk),
        "usuario-0-derechohabiente": str(ana.pk),
    }
    respuesta = administrador.post(ficha("derechohabiente", ana.pk), datos)
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    ana.refresh_from_db()
    assert (ana.nombre, ana.tipo, ana.clave_nombre) == (
        "Ana María",
        "pensionado",
        "EJEMPLO PRUEBA ANA MARIA",
    )

    respuesta = administrador.post(
        ficha("usuario", ana.usuario.pk),
        {
            "username": "ana.cuenta",
            "email": "ana.nueva@correo.example",
            "is_active": "on",
            "derechohabiente": str(ana.pk),
            "correo_confirmado_en_0": "",
            "correo_confirmado_en_1": "",
            "correo_pendiente": "",
            # Not editable for non-superusers: ignored.
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    cuenta = Usuario.objects.get(pk=ana.usuario.pk)
    assert cuenta.email == "ana.nueva@correo.example"
    assert not cuenta.is_superuser and not cuenta.is_staff


def test_un_administrador_del_registro_no_toca_cuentas_de_personal(administrador, jefa):
    superusuario = Usuario.objects.get(username="jefa.sistemas")
    respuesta = administrador.post(
        ficha("usuario", superusuario.pk),
        {"username": "jefa.sistemas", "email": "mia@correo.example", "is_active": "on"},
    )
    assert respuesta.status_code == 403
    cambiar_contrasena = reverse("admin:auth_user_password_change", args=[superusuario.pk])
    assert administrador.get(cambiar_contrasena).status_code == 403
    assert (
        administrador.post(
            cambiar_contrasena, {"password1": "Otra Clave 123", "password2": "Otra Clave 123"}
        ).status_code
        == 403
    )
    antes = superusuario.password
    superusuario.refresh_from_db()
    assert (superusuario.email, superusuario.password) == ("jefa@issste.example", antes)
