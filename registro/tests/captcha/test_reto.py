"""The captcha's challenge (registro/captcha/reto.py): letters a person can tell apart, one
attempt per challenge, none after it expires, read and used up in one indexed statement."""

import datetime

import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registro.captcha import reto as reto_captcha
from registro.models import Usuario

from ..conftest import PASO_2, error_del_campo

pytestmark = pytest.mark.django_db


def test_el_reto_del_captcha_usa_el_alfabeto_sin_confusiones():
    textos = {reto_captcha.reto_alfanumerico()[0] for _ in range(200)}
    assert len(textos) > 190  # drawn at random
    assert set("".join(textos)) <= set(reto_captcha.ALFABETO)
    assert not set("O0I1L5S") & set("".join(textos))


def test_el_captcha_admite_un_solo_intento(cliente_en_paso_2, datos_registro):
    datos = datos_registro(captcha_1="zzzzz")
    cliente_en_paso_2.post(PASO_2, datos)
    respuesta_correcta = datos_registro()["captcha_1"]
    reintento = {**datos, "captcha_1": respuesta_correcta}  # same challenge, second try
    respuesta = cliente_en_paso_2.post(PASO_2, reintento)
    assert "no coincide con la imagen" in error_del_campo(respuesta, "captcha")
    assert not Usuario.objects.exists()


def test_un_captcha_vencido_no_sirve_aunque_la_respuesta_sea_correcta(
    cliente_en_paso_2, datos_registro
):
    datos = datos_registro()
    CaptchaStore.objects.filter(hashkey=datos["captcha_0"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    respuesta = cliente_en_paso_2.post(PASO_2, datos)
    assert "no coincide con la imagen" in error_del_campo(respuesta, "captcha")
    assert not Usuario.objects.exists()


def test_crear_usuario_no_recorre_todos_los_captchas_vigentes(cliente_en_paso_2, datos_registro):
    # In a surge the table holds every challenge of the last 10 minutes.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO captcha_captchastore (challenge, response, hashkey, expiration) "
            "SELECT 'ABCDE', 'abcde', md5(g::text), now() + interval '10 minutes' "
            "FROM generate_series(1, 20000) AS g; ANALYZE captcha_captchastore"
        )
    datos = datos_registro()
    with CaptureQueriesContext(connection) as consultas:
        respuesta = cliente_en_paso_2.post(reverse("registro:usuario"), datos)
    assert respuesta.status_code == 302
    captchas = [c["sql"] for c in consultas if "captcha_captchastore" in c["sql"]]
    assert len(captchas) == 1  # read and used up in one statement; no sweep of expired ones
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captchas[0].split("; ")[-1])  # after SET LOCAL
        plan = "\n".join(fila[0] for fila in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
