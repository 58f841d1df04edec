"""The second factor (registro/cuentas/segundo_factor/): setting up an authenticator app, the
code after the password at login, recovery codes, the lock after wrong codes, removing or
replacing it with the password again, and the institution's setting. Codes are computed here
from the secret the page shows, as the person's app would."""

import datetime
import html
import re
import time

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from registro.cuentas.segundo_factor import flows
from registro.models import AppAutenticadora, CodigoDeRecuperacion, LlaveDeAcceso

from ..conftest import CONTRASENA, MI_OFICINA, error_del_campo, ingresar

pytestmark = pytest.mark.django_db

SEGUNDO_FACTOR = reverse("cuentas:segundo_factor")
ACTIVAR = reverse("cuentas:activar_segundo_factor")
CODIGO = reverse("cuentas:ingresar_codigo")


def clave_mostrada(pagina: str) -> str:
    return re.search(r'id="clave">([A-Z2-7 ]+)<', pagina).group(1).replace(" ", "")


def codigo(secreto: str, dentro_de: int = 0) -> str:
    """What the app shows now (or ``dentro_de`` steps of 30 s later)."""
    return pyotp.TOTP(secreto).at(time.time() + 30 * dentro_de)


def codigos_mostrados(pagina: str) -> list[str]:
    return re.findall(r"<li>([A-Z0-9]{5} [A-Z0-9]{5})</li>", pagina)


def activar(client) -> tuple[str, list[str]]:
    """Sets up the app as a person does; the secret and the recovery codes."""
    secreto = clave_mostrada(client.get(ACTIVAR).content.decode())
    respuesta = client.post(ACTIVAR, {"codigo": codigo(secreto)})
    assert respuesta.status_code == 200
    assert "no-store" in respuesta["Cache-Control"]
    return secreto, codigos_mostrados(respuesta.content.decode())


@pytest.fixture
def con_app(client, confirmada):
    """ana.ejemplo, signed in, with the app set up; then signed out."""
    ingresar(client, "ana.ejemplo")
    secreto, codigos = activar(client)
    client.post(reverse("cuentas:salir"))
    return secreto, codigos


def test_activar_muestra_el_qr_y_la_clave_y_pide_el_primer_codigo(client, confirmada):
    ingresar(client, "ana.ejemplo")
    pagina = client.get(MI_OFICINA).content.decode()
    assert "Verificación en dos pasos" in pagina and "desactivada" in pagina

    pagina = client.get(ACTIVAR).content.decode()
    assert re.search(r'<img class="qr" src="data:image/svg\+xml', pagina)
    assert "Código QR para agregar la cuenta ana.ejemplo" in pagina
    secreto = clave_mostrada(pagina)
    assert len(secreto) == 32  # 160 bits, as RFC 4226 recommends
    # The QR code says the same: the otpauth URI carries this secret and the account's name.
    assert clave_mostrada(client.get(ACTIVAR).content.decode()) == secreto

    respuesta = client.post(ACTIVAR, {"codigo": "000000" if codigo(secreto) != "000000" else "1"})
    assert "El código no coincide" in error_del_campo(respuesta, "codigo")
    assert not AppAutenticadora.objects.exists()
    respuesta = client.post(ACTIVAR, {"codigo": "12345"})
    assert "6 dígitos" in error_del_campo(respuesta, "codigo")

    respuesta = client.post(ACTIVAR, {"codigo": codigo(secreto)})
    codigos = codigos_mostrados(respuesta.content.decode())
    assert len(codigos) == 10 and len(set(codigos)) == 10
    assert "no volverán a mostrarse" in respuesta.content.decode()
    assert AppAutenticadora.objects.get(usuario=confirmada).secreto == secreto
    # Only keyed hashes of the codes are kept.
    huellas = set(CodigoDeRecuperacion.objects.values_list("huella", flat=True))
    assert len(huellas) == 10 and not {c.replace(" ", "") for c in codigos} & huellas
    pagina = client.get(SEGUNDO_FACTOR).content.decode()
    assert "Activa desde el" in pagina and "<dd>10</dd>" in pagina and "<dd>Activa</dd>" in pagina


def test_ingresar_pide_el_codigo_despues_de_la_contrasena(client, con_app):
    secreto, _ = con_app
    respuesta = ingresar(client, "ana.ejemplo")
    assert respuesta.url == CODIGO
    assert "_auth_user_id" not in client.session
    assert client.get(MI_OFICINA).status_code == 302  # not signed in yet

    respuesta = client.post(CODIGO, {"codigo": "000000"})
    assert "no es correcto" in error_del_campo(respuesta, "codigo")
    assert "_auth_user_id" not in client.session

    siguiente = codigo(secreto, dentro_de=1)  # the activation used this step's code
    respuesta = client.post(CODIGO, {"codigo": siguiente[:3] + " " + siguiente[3:]})
    assert respuesta.url == MI_OFICINA
    assert client.get(MI_OFICINA).status_code == 200


def test_un_codigo_de_la_app_sirve_una_sola_vez(client, con_app):
    secreto, _ = con_app
    siguiente = codigo(secreto, dentro_de=1)
    ingresar(client, "ana.ejemplo")
    assert client.post(CODIGO, {"codigo": siguiente}).url == MI_OFICINA
    client.post(reverse("cuentas:salir"))

    ingresar(client, "ana.ejemplo")
    respuesta = client.post(CODIGO, {"codigo": siguiente})
    assert "no es correcto o ya se usó" in error_del_campo(respuesta, "codigo")
    # Nor an earlier step's code.
    respuesta = client.post(CODIGO, {"codigo": codigo(secreto)})
    assert "_auth_user_id" not in client.session


def test_un_codigo_de_recuperacion_sirve_una_vez(client, con_app):
    _, codigos = con_app
    ingresar(client, "ana.ejemplo")
    respuesta = client.post(CODIGO, {"codigo": codigos[0].lower()}, follow=True)
    assert respuesta.redirect_chain[-1][0] == MI_OFICINA
    assert "le quedan 9" in respuesta.content.decode()
    client.post(reverse("cuentas:salir"))

    ingresar(client, "ana.ejemplo")
    respuesta = client.post(CODIGO, {"codigo": codigos[0]})
    assert "no es correcto" in error_del_campo(respuesta, "codigo")
    assert client.post(CODIGO, {"codigo": codigos[1].replace(" ", "-")}).url == MI_OFICINA


def test_cinco_codigos_equivocados_bloquean_15_minutos(client, con_app):
    secreto, codigos = con_app
    ingresar(client, "ana.ejemplo")
    for _ in range(4):
        assert client.post(CODIGO, {"codigo": "000000"}).status_code == 200
    respuesta = client.post(CODIGO, {"codigo": "000000"})
    assert respuesta.status_code == 429
    assert "espere 15 minutos" in respuesta.content.decode()

    # Not with a good code either, nor by starting over with the password.
    ingresar(client, "ana.ejemplo")
    respuesta = client.post(CODIGO, {"codigo": codigos[0]})
    assert respuesta.status_code == 429 and "_auth_user_id" not in client.session

    cuenta = AppAutenticadora.objects.get().usuario
    assert cuenta.segundo_paso_bloqueado_hasta - timezone.now() > datetime.timedelta(minutes=14)
    cuenta.segundo_paso_bloqueado_hasta = timezone.now() - datetime.timedelta(seconds=1)
    cuenta.save()
    ingresar(client, "ana.ejemplo")
    assert client.post(CODIGO, {"codigo": codigos[0]}).url == MI_OFICINA


def test_el_segundo_paso_vence_a_los_5_minutos(client, con_app):
    secreto, _ = con_app
    ingresar(client, "ana.ejemplo")
    sesion = client.session
    sesion["ingreso_pendiente"]["hasta"] = time.time() - 1
    sesion.save()
    respuesta = client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)}, follow=True)
    assert respuesta.redirect_chain[-1][0] == reverse("cuentas:ingresar")
    assert "Pasaron más de 5 minutos" in respuesta.content.decode()
    assert "_auth_user_id" not in client.session
    # Nor can anyone reach the second step without the password.
    client.post(reverse("cuentas:salir"))
    assert client.get(CODIGO).url == reverse("cuentas:ingresar")


def test_quitarla_o_generar_codigos_nuevos_pide_la_contrasena(client, con_app):
    secreto, codigos = con_app
    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})

    nuevos = reverse("cuentas:codigos_nuevos")
    respuesta = client.post(nuevos, {"password": "no es"})
    assert "no es correcta" in error_del_campo(respuesta, "password")
    respuesta = client.post(nuevos, {"password": CONTRASENA})
    otros = codigos_mostrados(respuesta.content.decode())
    assert len(otros) == 10 and not set(otros) & set(codigos)

    quitar = reverse("cuentas:quitar_segundo_factor")
    client.post(quitar, {"password": "no es"})
    assert AppAutenticadora.objects.exists()
    respuesta = client.post(quitar, {"password": CONTRASENA}, follow=True)
    assert "Quitó la verificación en dos pasos" in respuesta.content.decode()
    assert not AppAutenticadora.objects.exists() and not CodigoDeRecuperacion.objects.exists()

    client.post(reverse("cuentas:salir"))
    assert ingresar(client, "ana.ejemplo").url == MI_OFICINA  # the password alone again


def test_cambiar_de_app_pide_la_contrasena_y_la_anterior_deja_de_servir(client, con_app):
    secreto, _ = con_app
    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})

    assert client.get(ACTIVAR).url == reverse("cuentas:cambiar_app")
    respuesta = client.post(reverse("cuentas:cambiar_app"), {"password": CONTRASENA})
    assert respuesta.url == ACTIVAR
    nuevo = clave_mostrada(client.get(ACTIVAR).content.decode())
    assert nuevo != secreto
    client.post(ACTIVAR, {"codigo": codigo(nuevo)})
    client.post(reverse("cuentas:salir"))

    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})  # the old app's
    assert "_auth_user_id" not in client.session
    assert client.post(CODIGO, {"codigo": codigo(nuevo, dentro_de=1)}).url == MI_OFICINA


def test_obligatoria_se_activa_en_el_siguiente_ingreso_y_no_se_quita(client, confirmada, settings):
    settings.SEGUNDO_FACTOR = "obligatorio"
    respuesta = ingresar(client, "ana.ejemplo")
    assert respuesta.url == ACTIVAR
    assert "_auth_user_id" not in client.session
    pagina = client.get(ACTIVAR).content.decode()
    assert "pide ahora la verificación en dos pasos" in html.unescape(pagina)

    secreto = clave_mostrada(pagina)
    respuesta = client.post(ACTIVAR, {"codigo": codigo(secreto)})
    assert len(codigos_mostrados(respuesta.content.decode())) == 10
    assert client.get(MI_OFICINA).status_code == 200  # signed in by the activation

    assert client.get(reverse("cuentas:quitar_segundo_factor")).status_code == 404
    assert "Quitar la verificación" not in client.get(SEGUNDO_FACTOR).content.decode()


def test_apagada_no_se_ofrece_ni_se_pide(client, con_app, settings):
    settings.SEGUNDO_FACTOR = "apagado"
    assert ingresar(client, "ana.ejemplo").url == MI_OFICINA
    assert "Verificación en dos pasos" not in client.get(MI_OFICINA).content.decode()
    assert client.get(SEGUNDO_FACTOR).status_code == 404
    assert client.get(ACTIVAR).status_code == 404


def test_sin_sesion_las_paginas_piden_ingresar(client):
    for url in (SEGUNDO_FACTOR, reverse("cuentas:codigos_nuevos")):
        assert client.get(url).url.startswith(reverse("cuentas:ingresar"))
    assert client.get(ACTIVAR).url == reverse("cuentas:ingresar")


# Passkeys: the whole ceremony runs in the browser tests (Chromium's virtual authenticator);
# here, what the server refuses.


def test_una_llave_de_acceso_solo_se_agrega_con_una_respuesta_valida(client, con_app):
    opciones = reverse("cuentas:opciones_para_agregar_llave")
    agregar = reverse("cuentas:agregar_llave")
    assert client.post(opciones).status_code == 302  # sign in first
    secreto, _ = con_app
    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})

    respuesta = client.post(opciones)
    assert respuesta.status_code == 200
    assert respuesta.json()["rp"]["id"] == "testserver" and respuesta.json()["challenge"]
    respuesta = client.post(agregar, "{no es json", content_type="application/json")
    assert respuesta.status_code == 400
    assert "No se pudo comprobar la llave de acceso" in respuesta.json()["error"]
    # The challenge was spent: another try needs new options.
    assert client.post(agregar, "{}", content_type="application/json").status_code == 400
    assert not LlaveDeAcceso.objects.exists()

    AppAutenticadora.objects.all().delete()
    assert client.post(opciones).status_code == 200  # a passkey can be the only factor too


def test_ingresar_con_llave_pide_primero_la_contrasena(client, con_app):
    from django.contrib.auth import get_user_model

    LlaveDeAcceso.objects.create(
        usuario=get_user_model().objects.get(), credencial=b"llave", clave_publica=b"x", nombre="Y"
    )
    ingresar_con_llave = reverse("cuentas:ingresar_con_llave")
    respuesta = client.post(ingresar_con_llave, "{}", content_type="application/json")
    assert respuesta.status_code == 400 and "Pasaron más de 5 minutos" in respuesta.json()["error"]

    ingresar(client, "ana.ejemplo")
    assert "Usar una llave de acceso" in client.get(CODIGO).content.decode()
    client.post(reverse("cuentas:opciones_para_ingresar_con_llave"))
    falsa = '{"rawId": "bGxhdmU", "id": "bGxhdmU", "response": {}, "type": "public-key"}'
    respuesta = client.post(ingresar_con_llave, falsa, content_type="application/json")
    assert respuesta.status_code == 400
    assert "_auth_user_id" not in client.session


def test_quitar_una_llave_pide_la_contrasena(client, con_app):
    secreto, _ = con_app
    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})
    cuenta = AppAutenticadora.objects.get().usuario
    llave = LlaveDeAcceso.objects.create(
        usuario=cuenta, credencial=b"llave", clave_publica=b"x", nombre="Chrome en Android"
    )
    assert "Chrome en Android" in client.get(SEGUNDO_FACTOR).content.decode()
    quitar = reverse("cuentas:quitar_llave", args=[llave.pk])
    client.post(quitar, {"password": "no es"})
    assert LlaveDeAcceso.objects.exists()
    respuesta = client.post(quitar, {"password": CONTRASENA}, follow=True)
    assert "Quitó la llave de acceso Chrome en Android" in respuesta.content.decode()
    assert not LlaveDeAcceso.objects.exists()

    otra = LlaveDeAcceso.objects.create(usuario=cuenta, credencial=b"otra", clave_publica=b"x")
    client.post(reverse("cuentas:quitar_segundo_factor"), {"password": CONTRASENA})
    assert not LlaveDeAcceso.objects.filter(pk=otra.pk).exists()  # all factors go together


def test_acciones_de_riesgo_piden_el_segundo_factor_otra_vez(client, con_app, settings):
    settings.SEGUNDO_FACTOR = "acciones"
    secreto, codigos = con_app
    cambiar_correo = reverse("cuentas:cambiar_correo")
    ingresar(client, "ana.ejemplo")
    client.post(CODIGO, {"codigo": codigo(secreto, dentro_de=1)})
    assert client.get(cambiar_correo).status_code == 200  # the code was given a moment ago

    sesion = client.session
    sesion["segundo_factor_verificado_en"] -= 6 * 60
    sesion.save()
    respuesta = client.get(cambiar_correo)
    confirmar = reverse("cuentas:confirmar_con_codigo")
    assert respuesta.url == f"{confirmar}?siguiente=%2Foficina-virtual%2Fmi-oficina%2Fcorreo%2F"
    pagina = client.get(respuesta.url).content.decode()
    assert "Confirme que es usted" in pagina
    respuesta = client.post(respuesta.url, {"codigo": "000000"})
    assert "no es correcto" in error_del_campo(respuesta, "codigo")
    respuesta = client.post(f"{confirmar}?siguiente=https://x.example/", {"codigo": codigos[0]})
    assert respuesta.url == MI_OFICINA  # never off the site
    assert client.get(cambiar_correo).status_code == 200
    assert client.get(reverse("cuentas:cambiar_contrasena")).status_code == 200


def test_acciones_de_riesgo_sin_segundo_factor_piden_activarlo(client, confirmada, settings):
    settings.SEGUNDO_FACTOR = "acciones"
    assert ingresar(client, "ana.ejemplo").url == MI_OFICINA  # login asks nothing more
    respuesta = client.get(reverse("cuentas:cambiar_contrasena"), follow=True)
    assert respuesta.redirect_chain[-1][0] == ACTIVAR
    assert "pide la verificación en dos pasos" in html.unescape(respuesta.content.decode())
    secreto = clave_mostrada(respuesta.content.decode())
    client.post(ACTIVAR, {"codigo": codigo(secreto)})
    assert client.get(reverse("cuentas:cambiar_contrasena")).status_code == 200


def test_con_solo_llaves_de_acceso_los_codigos_de_recuperacion_tambien_se_limitan(client, cuenta):
    """A passkey-only account (its recovery codes came with its first passkey): the second
    step asks for it, a recovery code stands in for it, wrong ones lock 15 minutes."""
    LlaveDeAcceso.objects.create(usuario=cuenta, credencial=b"llave", clave_publica=b"x")
    codigos = flows.codigos_nuevos(cuenta)
    assert ingresar(client, "pedro.prueba").url == CODIGO
    pagina = client.get(CODIGO).content.decode()
    assert "Use su llave de acceso" in pagina and "Usar una llave de acceso" in pagina
    assert client.post(CODIGO, {"codigo": codigos[0]}).url == MI_OFICINA
    client.post(reverse("cuentas:salir"))

    ingresar(client, "pedro.prueba")
    for _ in range(4):
        assert client.post(CODIGO, {"codigo": "123456"}).status_code == 200  # no app: never good
    assert client.post(CODIGO, {"codigo": codigos[1]}).url == MI_OFICINA  # a good one resets
    client.post(reverse("cuentas:salir"))
    ingresar(client, "pedro.prueba")
    for _ in range(4):
        client.post(CODIGO, {"codigo": "ZZZZZ ZZZZZ"})
    assert client.post(CODIGO, {"codigo": "ZZZZZ ZZZZZ"}).status_code == 429
