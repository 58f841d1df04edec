"""The client's address (registro/cliente.py) behind the proxies the operator trusts, as the
look-up limits count it."""

import pytest

from .conftest import PASO_1

pytestmark = pytest.mark.django_db


def test_detras_de_un_proxy_cuenta_la_direccion_del_cliente(client, settings, derechohabiente):
    settings.PROXIES_DE_CONFIANZA = 1
    for n in range(10):
        client.post(
            PASO_1,
            {"curp": f"X{n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    # The same proxy, a different client address: answered. The same one: asked for the
    # captcha, as an address past its misses is.
    otro = {"HTTP_X_FORWARDED_FOR": "203.0.113.8", "REMOTE_ADDR": "10.0.0.1"}
    respuesta = client.post(PASO_1, {"curp": "Y"}, **otro)
    assert respuesta.status_code == 200 and "captcha" not in respuesta.context["form"].fields
    mismo = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.7", "REMOTE_ADDR": "10.0.0.1"}
    respuesta = client.post(PASO_1, {"curp": "Y"}, **mismo)
    assert respuesta.status_code == 200 and "captcha" in respuesta.context["form"].fields
