"""Who may log in (registro/cuentas/autenticacion.py and the login form): unknown user and
wrong password told alike, deactivated and previous-version accounts kept out, five failures
lock a user name from an address, and the hasher runs for unknown users too."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from registro.models import Usuario

from ..conftest import CONTRASENA, INGRESAR, MI_OFICINA, error_de_ingreso, ingresar

pytestmark = pytest.mark.django_db


def test_usuario_desconocido_y_contrasena_equivocada_dicen_lo_mismo(client, confirmada):
    desconocido = error_de_ingreso(ingresar(client, "nadie"))
    equivocada = error_de_ingreso(ingresar(client, "ana.ejemplo", "mi clave ñandú 7"))
    assert desconocido == equivocada
    assert "no son correctos" in desconocido


def test_una_cuenta_desactivada_no_ingresa(client, confirmada):
    confirmada.is_active = False
    confirmada.save()
    assert "desactivada" in error_de_ingreso(ingresar(client, "ana.ejemplo"))
    assert "desactivada" not in error_de_ingreso(ingresar(client, "ana.ejemplo", "otra"))


def test_desactivar_termina_la_sesion_abierta(client, confirmada):
    ingresar(client, "ana.ejemplo")
    Usuario.objects.filter(pk=confirmada.pk).update(is_active=False)
    assert client.get(MI_OFICINA).url.startswith(INGRESAR)


def test_una_cuenta_de_la_version_anterior_no_ingresa(client, cuenta_anterior):
    error = error_de_ingreso(ingresar(client, "ana.vieja", "clave vieja"))
    assert "es necesario actualizarla repitiendo el proceso de registro" in error


# Guessing passwords


def test_cinco_fallos_bloquean_el_usuario_desde_esa_direccion(client, cuenta):
    for _ in range(4):
        respuesta = client.post(INGRESAR, {"username": "pedro.prueba", "password": "mal"})
        assert respuesta.status_code == 200
    bloqueo = client.post(INGRESAR, {"username": "PEDRO.prueba", "password": "mal"})
    assert bloqueo.status_code == 429
    assert "Ingreso bloqueado por un tiempo" in bloqueo.content.decode()
    # Even the right password waits out the cool-off.
    correcta = client.post(INGRESAR, {"username": "pedro.prueba", "password": CONTRASENA})
    assert correcta.status_code == 429
    # Another address may still log in.
    otra = Client(REMOTE_ADDR="10.4.4.4")
    assert otra.post(INGRESAR, {"username": "pedro.prueba", "password": CONTRASENA}).url


class ArgonQueCuenta(Argon2PasswordHasher):
    """Argon2 itself, counting how often it runs."""

    veces = 0

    def encode(self, password, salt):
        ArgonQueCuenta.veces += 1
        return super().encode(password, salt)


def test_el_hasher_corre_tambien_para_un_usuario_desconocido(client, settings):
    settings.PASSWORD_HASHERS = ["registro.tests.cuentas.test_autenticacion.ArgonQueCuenta"]
    ArgonQueCuenta.veces = 0
    client.post(INGRESAR, {"username": "nadie.existe", "password": "cualquier cosa"})
    assert ArgonQueCuenta.veces == 1
