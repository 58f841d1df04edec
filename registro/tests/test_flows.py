"""Step 2's flow (registro/flows.py): the account a registration creates, or the one of the
previous Oficina Virtual it replaces, and a race lost to another registration."""

import pytest
from django.urls import reverse

from registro import flows
from registro.cuentas.flows import RegistroDuplicado
from registro.models import Usuario

from .conftest import (
    CONTRASENA,
    MI_OFICINA,
    enlace_del_correo,
    error_de_ingreso,
    ingresar,
    respuesta_captcha,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("existente", "nuevo", "campo"),
    [
        (("Rosa", "rosa@correo.example"), ("ROSA", "otra@correo.example"), "username"),
        (("rosa", "Rosa@Correo.example"), ("otra", "rosa@correo.example"), "email"),
    ],
)
def test_una_carrera_perdida_es_un_mensaje_y_no_un_error(
    crear_derechohabiente, existente, nuevo, campo
):
    Usuario.objects.create_user(*existente, CONTRASENA)
    with pytest.raises(RegistroDuplicado) as duplicado:
        nombre_usuario, correo = nuevo
        flows.crear_cuenta(
            derechohabiente=crear_derechohabiente(),
            nombre_usuario=nombre_usuario,
            correo=correo,
            contrasena=CONTRASENA,
        )
    assert duplicado.value.campo == campo
    assert Usuario.objects.count() == 1


def test_una_carrera_perdida_por_la_misma_curp(derechohabiente):
    flows.crear_cuenta(
        derechohabiente=derechohabiente,
        nombre_usuario="primera",
        correo="primera@correo.example",
        contrasena=CONTRASENA,
    )
    with pytest.raises(RegistroDuplicado) as duplicado:
        flows.crear_cuenta(
            derechohabiente=derechohabiente,
            nombre_usuario="segunda",
            correo="segunda@correo.example",
            contrasena=CONTRASENA,
        )
    assert duplicado.value.campo is None
    assert "ya tiene una cuenta" in duplicado.value.mensaje


# Repeating the registration


def test_repetir_el_registro_reemplaza_la_cuenta_anterior(
    client, cuenta_anterior, derechohabiente, buzon
):
    assert client.post(reverse("registro:curp"), {"curp": derechohabiente.curp}).status_code == 302
    pagina = client.get(reverse("registro:usuario")).content.decode()
    assert "ana.vieja" not in pagina and "vieja@correo.example" not in pagina
    datos = {
        "username": "ana.vieja",  # the old user name may be kept
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": "ana.nueva@correo.example",
        **respuesta_captcha(pagina),
    }
    assert client.post(reverse("registro:usuario"), datos).url == reverse("registro:creado")

    cuenta = Usuario.objects.get(derechohabiente=derechohabiente)
    assert cuenta.pk == cuenta_anterior.pk
    assert not cuenta.de_version_anterior and not cuenta.correo_confirmado
    assert cuenta.email == "ana.nueva@correo.example"
    assert not cuenta.check_password("clave vieja")
    assert "no son correctos" in error_de_ingreso(ingresar(client, "ana.vieja", "clave vieja"))
    client.get(enlace_del_correo(buzon()[-1]))
    assert ingresar(client, "ana.vieja").url == MI_OFICINA
