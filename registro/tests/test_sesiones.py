"""Sessions in PostgreSQL (registro/sesiones.py): renewed every five minutes, not on every
page; written only when needed; an expired one opens no other; keys never collide."""

import base64
import datetime

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
