"""Single-use links sent by e-mail (registro/cuentas/enlaces.py): confirming an address and
taking a new one work once, for 24 hours, and not if altered."""

import time

import pytest
from django.urls import reverse

from ..conftest import CONTRASENA, enlace_del_correo, ingresar

pytestmark = pytest.mark.django_db


def test_el_enlace_confirma_una_sola_vez(client, registrado):
    usuario, correo = registrado
    primera = client.get(enlace_del_correo(correo))
    assert primera.status_code == 200
    assert "quedó confirmado" in primera.content.decode()
    segunda = client.get(enlace_del_correo(correo))
    assert segunda.status_code == 400
    assert "ya se usó" in segunda.content.decode()


def test_un_enlace_alterado_no_confirma(client, registrado):
    usuario, correo = registrado
    ruta = enlace_del_correo(correo)
    alterada = ruta[:-3] + ("A" if ruta[-3] != "A" else "B") + ruta[-2:]
    respuesta = client.get(alterada)
    assert respuesta.status_code == 400
    assert "no es válido" in respuesta.content.decode()
    usuario.refresh_from_db()
    assert not usuario.correo_confirmado


def test_un_enlace_de_mas_de_24_horas_vence(client, registrado, monkeypatch):
    usuario, correo = registrado
    dentro_de_25_horas = time.time() + 25 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: dentro_de_25_horas)
    respuesta = client.get(enlace_del_correo(correo))
    assert respuesta.status_code == 400
    assert "venció" in respuesta.content.decode()
    usuario.refresh_from_db()
    assert not usuario.correo_confirmado


@pytest.mark.parametrize("problema", ["alterado", "vencido"])
def test_un_enlace_de_correo_nuevo_alterado_o_vencido_no_cambia_nada(
    client, confirmada, buzon, monkeypatch, problema
):
    ingresar(client, "ana.ejemplo")
    datos = {"email": "nueva@correo.example", "password": CONTRASENA}
    client.post(reverse("cuentas:cambiar_correo"), datos)
    enlace = enlace_del_correo(buzon()[-1])
    if problema == "alterado":
        enlace = enlace.replace(":", ";", 1)
    else:
        dentro_de_25_horas = time.time() + 25 * 3600
        monkeypatch.setattr("django.core.signing.time.time", lambda: dentro_de_25_horas)
    respuesta = client.get(enlace)
    assert respuesta.status_code == 400
    assert ("venció" if problema == "vencido" else "no es válido") in respuesta.content.decode()
    confirmada.refresh_from_db()
    assert confirmada.email == "ana.ejemplo@correo.example"
