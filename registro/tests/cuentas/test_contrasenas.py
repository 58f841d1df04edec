"""Password rules (registro/cuentas/contrasenas.py): at most 128 characters, never truncated;
not like the person's data or CURP; kept as typed, one Unicode form for accents."""

import unicodedata

import pytest

from registro.models import Usuario

from ..conftest import INGRESAR, PASO_2

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("contrasena", "mensaje"),
    [
        ("x" * 129, "como máximo 128 caracteres"),
        ("ana.ejemplo", "se parece demasiado a sus datos personales"),
        ("EjemploPrueba", "se parece demasiado a sus datos personales"),
    ],
)
def test_reglas_de_contrasena(cliente_en_paso_2, datos_registro, contrasena, mensaje):
    datos = datos_registro(password1=contrasena, password2=contrasena)
    respuesta = cliente_en_paso_2.post(PASO_2, datos)
    assert mensaje in " ".join(respuesta.context["form"].errors["password1"])
    assert not Usuario.objects.exists()


def test_la_contrasena_no_se_parece_a_la_curp(cliente_en_paso_2, datos_registro, derechohabiente):
    clave = derechohabiente.curp.lower()
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(password1=clave, password2=clave))
    assert "datos personales" in " ".join(respuesta.context["form"].errors["password1"])


def test_128_caracteres_se_guardan_completos(cliente_en_paso_2, datos_registro):
    larga = "Ñandú " * 21 + "xy"  # 128 characters
    assert len(larga) == 128
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=larga, password2=larga))
    usuario = Usuario.objects.get()
    assert usuario.check_password(larga)
    assert not usuario.check_password(larga[:-1])


def test_la_contrasena_se_guarda_tal_como_se_escribio(cliente_en_paso_2, datos_registro):
    tal_cual = " Mi Clave Ñandú 7 "
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=tal_cual, password2=tal_cual))
    usuario = Usuario.objects.get()
    assert usuario.check_password(tal_cual)
    for variante in (
        "mi clave ñandú 7",  # case
        "MI CLAVE ÑANDÚ 7",
        "Mi Clave Ñandú 7",  # surrounding spaces
        " MiClaveÑandú7 ",  # inner spaces
        " Mi Clave Nandu 7 ",  # accents
    ):
        assert not usuario.check_password(variante), variante


def test_un_acento_escrito_de_dos_maneras_es_la_misma_contrasena(
    cliente_en_paso_2, datos_registro, client
):
    compuesta = unicodedata.normalize("NFC", "Canción Número 7")
    descompuesta = unicodedata.normalize("NFD", compuesta)
    assert compuesta != descompuesta
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=descompuesta, password2=descompuesta))
    usuario = Usuario.objects.get()
    assert usuario.check_password(compuesta)
    assert not usuario.check_password("Cancion Numero 7")  # accents still count
    from django.utils import timezone

    usuario.correo_confirmado_en = timezone.now()
    usuario.save()
    assert client.post(INGRESAR, {"username": "ana.ejemplo", "password": descompuesta}).url
