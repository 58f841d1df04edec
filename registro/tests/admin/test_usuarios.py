"""The accounts screen (registro/admin/usuarios.py) over a few rows: the list, its search
box, the change form, staff accounts made there, names and e-mails taken in another case."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registro.mensajes import CORREO_DUPLICADO
from registro.models import Usuario

from ..conftest import CONTRASENA
from .conftest import CUENTAS, encontrados

pytestmark = pytest.mark.django_db


def test_la_lista_de_cuentas_muestra_las_cuentas(personal, cuentas):
    respuesta = personal.get(CUENTAS)

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    for cuenta in cuentas:
        assert cuenta.username in pagina
        assert cuenta.derechohabiente.curp in pagina


@pytest.mark.parametrize(
    "busqueda",
    [
        lambda u: u.username,
        lambda u: u.email,
        lambda u: u.derechohabiente.curp,
        lambda u: u.derechohabiente.curp[:10].lower(),
        lambda u: u.derechohabiente.primer_apellido,
        lambda u: f"{u.derechohabiente.primer_apellido} {u.derechohabiente.segundo_apellido}",
    ],
    ids=[
        "usuario",
        "correo",
        "curp",
        "inicio-de-curp",
        "primer-apellido",
        "apellidos",
    ],
)
def test_buscar_cuentas(personal, cuentas, busqueda):
    ana, carlos = cuentas
    assert encontrados(personal, CUENTAS, busqueda(ana)) == [ana]
    assert encontrados(personal, CUENTAS, busqueda(carlos)) == [carlos]


def test_la_ficha_de_una_cuenta_se_abre(personal, cuentas):
    ana, _ = cuentas

    respuesta = personal.get(reverse("admin:registro_usuario_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    assert ana.username in respuesta.content.decode()


def test_el_personal_crea_una_cuenta_de_personal_desde_el_admin(personal):
    respuesta = personal.post(
        reverse("admin:registro_usuario_add"),
        {
            "username": "mesa.ayuda",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "usable_password": "true",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    cuenta = Usuario.objects.get(username="mesa.ayuda")
    assert cuenta.check_password(CONTRASENA)
    assert cuenta.derechohabiente is None


def test_el_admin_no_crea_un_nombre_repetido_en_otra_caja(personal):
    respuesta = personal.post(
        reverse("admin:registro_usuario_add"),
        {
            "username": "JEFA.Sistemas",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "usable_password": "true",
        },
    )
    assert respuesta.status_code == 200
    assert respuesta.context["adminform"].form.errors["username"]
    assert Usuario.objects.count() == 1


def test_un_correo_repetido_en_otra_caja_se_senala_en_su_campo(cuentas):
    # What the admin's change form shows when staff type another account's e-mail: the
    # message on the field, not on the whole form (Django's way for a constraint on LOWER()).
    _, dos = cuentas
    dos.email = "UNO@Correo.example"
    with pytest.raises(ValidationError) as error:
        dos.full_clean()
    assert error.value.message_dict == {"email": [str(CORREO_DUPLICADO)]}
