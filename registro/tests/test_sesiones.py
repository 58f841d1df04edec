"""Sessions in PostgreSQL (registro/sesiones.py): renewed every five minutes, not on every
page; written only when needed; an expired one opens no other; keys never collide."""

import base64
import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from registro import sesiones
from registro.sesiones import RenovacionDeSesionMiddleware, SessionStore

from .conftest import PASO_1, PASO_2

pytestmark = pytest.mark.django_db


def test_la_sesion_se_renueva_cada_cinco_minutos_no_en_cada_pagina(client, cuenta):
    client.force_login(cuenta)
    mi_oficina = reverse("cuentas:mi_oficina")
    client.get(mi_oficina)
    vence = Session.objects.get().expire_date
    client.get(mi_oficina)
    assert Session.objects.get().expire_date == vence  # no write within 5 minutes
    sesion = client.session
    sesion[RenovacionDeSesionMiddleware.MARCA] -= 6 * 60
    sesion.save()
    Session.objects.update(expire_date=vence)
    client.get(mi_oficina)
    assert Session.objects.get().expire_date > vence
    assert client.get(mi_oficina).status_code == 200


def test_una_sesion_recien_creada_no_se_vuelve_a_escribir(client, derechohabiente):
    assert client.post(PASO_1, {"curp": derechohabiente.curp}).status_code == 302
    antes = Session.objects.values_list("session_data", "expire_date").get()
    assert client.get(PASO_2).status_code == 200
    assert Session.objects.values_list("session_data", "expire_date").get() == antes


def test_una_sesion_vencida_no_abre_otra(client, cuenta):
    client.force_login(cuenta)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("cuentas:mi_oficina")).status_code == 302
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 0


def test_una_clave_de_sesion_repetida_no_pisa_la_de_otra_persona(monkeypatch):
    ajena = SessionStore()
    ajena["de"] = "otra persona"
    ajena.create()
    # The random source gives the other person's key first, then another.
    azar = iter([base64.b32decode(ajena.session_key.upper()), bytes(20)])
    monkeypatch.setattr(sesiones.secrets, "token_bytes", lambda n: next(azar))
    nueva = SessionStore()
    nueva["de"] = "yo"
    nueva.save()
    assert nueva.session_key == "a" * 32
    assert SessionStore(nueva.session_key).load()["de"] == "yo"
    assert SessionStore(ajena.session_key).load()["de"] == "otra persona"


# Ending sessions, and the warning before an idle one ends

MI_OFICINA = "/oficina-virtual/mi-oficina/"


def test_cerrar_sesion_en_todos_los_dispositivos(cuenta, django_user_model):
    from django.test import Client

    telefono, computadora, otra_persona = Client(), Client(), Client()
    telefono.force_login(cuenta)
    computadora.force_login(cuenta)
    otra_persona.force_login(django_user_model.objects.create_user("otra", "o@correo.example"))
    assert "Cerrar sesión en todos los dispositivos" in computadora.get(MI_OFICINA).content.decode()

    respuesta = computadora.post(reverse("cuentas:cerrar_sesiones"), follow=True)

    assert "Se cerró su sesión en todos los dispositivos" in respuesta.content.decode()
    assert telefono.get(MI_OFICINA).status_code == 302  # sent to Ingresar
    assert computadora.get(MI_OFICINA).status_code == 302
    assert otra_persona.get(MI_OFICINA).status_code == 200
    assert computadora.get(reverse("cuentas:cerrar_sesiones")).status_code in (302, 405)


def test_una_contrasena_nueva_cierra_las_demas_sesiones_y_conserva_esta(cuenta):
    from django.test import Client

    from .conftest import CONTRASENA

    esta, otra = Client(), Client()
    esta.force_login(cuenta)
    otra.force_login(cuenta)
    nueva = "Otra Clave Ñ 2026"
    respuesta = esta.post(
        reverse("cuentas:cambiar_contrasena"),
        {"old_password": CONTRASENA, "new_password1": nueva, "new_password2": nueva},
    )
    assert respuesta.status_code == 302
    assert esta.get(MI_OFICINA).status_code == 200
    assert otra.get(MI_OFICINA).status_code == 302


def test_seguir_en_la_sesion_renueva_su_hora_y_vuelve_a_la_pagina(client, cuenta):
    client.force_login(cuenta)
    pagina = client.get(MI_OFICINA).content.decode()
    restante = int(re.search(r'data-sesion-restante="(\d+)"', pagina).group(1))
    assert 3590 <= restante <= 3600
    assert 'data-sesion-aviso="120"' in pagina and "Seguir en la sesión" in pagina

    sesion = client.session
    sesion[RenovacionDeSesionMiddleware.MARCA] -= 57 * 60  # three minutes left
    sesion.save()
    pagina = client.get(MI_OFICINA).content.decode()
    # Renewed by this very request (due): the hour counts from now, not from before.
    assert int(re.search(r'data-sesion-restante="(\d+)"', pagina).group(1)) >= 3590

    sesion = client.session
    sesion[RenovacionDeSesionMiddleware.MARCA] -= 4 * 60  # not yet due by itself
    sesion.save()
    antes = client.session[RenovacionDeSesionMiddleware.MARCA]
    respuesta = client.get(reverse("cuentas:seguir_en_la_sesion"), {"siguiente": MI_OFICINA})
    assert respuesta.url == MI_OFICINA
    assert client.session[RenovacionDeSesionMiddleware.MARCA] >= antes + 4 * 60
    # Only back into this site.
    ajena = client.get(reverse("cuentas:seguir_en_la_sesion"), {"siguiente": "https://x.example/"})
    assert ajena.url == MI_OFICINA


def test_sin_sesion_no_hay_aviso_ni_cuenta_atras(client):
    pagina = client.get(reverse("portal:oficina")).content.decode()
    assert "data-sesion-restante" not in pagina and "aviso-sesion" not in pagina
    assert client.get(reverse("cuentas:seguir_en_la_sesion")).status_code == 302
