"""The registry and its accounts (registro/models.py): what PostgreSQL itself enforces, and
what a derechohabiente's row derives from its CURP and names."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from registro.models import Usuario

from .conftest import CONTRASENA

pytestmark = pytest.mark.django_db


# The database itself keeps the rules, whatever code writes to it


def test_la_base_de_datos_rechaza_nombres_repetidos_en_otra_caja(db):
    Usuario.objects.create_user("Pedro", "pedro@correo.example", CONTRASENA)
    with pytest.raises(IntegrityError):
        Usuario.objects.create_user("pEDRO", "pedro2@correo.example", CONTRASENA)


def test_la_base_de_datos_rechaza_correos_repetidos_en_otra_caja(db):
    Usuario.objects.create_user("uno", "Pedro@Correo.example", CONTRASENA)
    with pytest.raises(IntegrityError):
        Usuario.objects.create_user("dos", "pedro@correo.EXAMPLE", CONTRASENA)


def test_el_personal_puede_no_tener_correo(db):
    get_user_model().objects.create_superuser("admin1", "", CONTRASENA)
    get_user_model().objects.create_superuser("admin2", "", CONTRASENA)
    assert Usuario.objects.filter(email="").count() == 2


# What the row derives


def test_los_datos_derivados_de_la_curp_se_guardan(crear_derechohabiente):
    dh = crear_derechohabiente(nombre="María José", primer_apellido="Ñandú", segundo_apellido="")
    assert dh.sexo == dh.curp[10] and dh.entidad == "DF"
    assert dh.fecha_nacimiento.strftime("%y%m%d") == dh.curp[4:10]
    assert dh.clave_nombre == "ÑANDU MARIA JOSE"
