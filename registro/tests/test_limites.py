"""Limits on CURP look-ups (registro/limites.py): per client address and per CURP, counted
without storing either."""

import pytest

from registro.models import Intento

from .conftest import PASO_1

pytestmark = pytest.mark.django_db


def test_la_busqueda_de_curp_se_limita_por_direccion(client, crear_derechohabiente):
    claves = [crear_derechohabiente(nombre=f"Ana{i}").curp for i in range(11)]
    for clave in claves[:10]:
        assert client.post(PASO_1, {"curp": clave}, REMOTE_ADDR="10.1.1.1").status_code == 302
    respuesta = client.post(PASO_1, {"curp": claves[10]}, REMOTE_ADDR="10.1.1.1")
    assert respuesta.status_code == 429
    assert int(respuesta["Retry-After"]) > 0
    assert "intente de nuevo en 10 minutos" in respuesta.content.decode()
    # Another address is not affected.
    assert client.post(PASO_1, {"curp": claves[10]}, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_la_busqueda_de_curp_se_limita_por_curp(client, derechohabiente):
    for n in range(10):
        client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.2.0.{n}")
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.2.1.1")
    assert respuesta.status_code == 429


def test_un_intento_detenido_por_la_direccion_no_cuenta_contra_la_curp(client, derechohabiente):
    # Someone limited at their own address cannot go on using up another person's CURP.
    for n in range(25):
        client.post(
            PASO_1, {"curp": derechohabiente.curp if n >= 10 else f"X{n}"}, REMOTE_ADDR="10.4.4.4"
        )
    for n in range(10):
        respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.5.0.{n}")
        assert respuesta.status_code == 302
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.5.1.1")
    assert respuesta.status_code == 429


def test_el_limite_no_guarda_curp_ni_direcciones(client, derechohabiente):
    client.post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR="10.3.3.3")
    guardado = " ".join(Intento.objects.values_list("clave", flat=True))
    assert Intento.objects.count() == 2
    assert derechohabiente.curp not in guardado and "10.3.3.3" not in guardado
