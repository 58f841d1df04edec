"""The captcha's audio served by key (registro/captcha/views.py): a WAV of a few seconds that
leaves the challenge as it was; 404 for an unknown or expired key or without espeak-ng, 503
when espeak-ng fails."""

import datetime
import io
import shutil
import wave

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils import timezone

from registro.captcha.fields import campo_captcha

pytestmark = pytest.mark.django_db


def url_audio(clave: str) -> str:
    return reverse("captcha_audio", args=[clave])


def test_el_audio_es_un_wav_de_unos_segundos(client):
    clave = CaptchaStore.generate_key()

    respuesta = client.get(url_audio(clave))

    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "audio/wav"
    assert respuesta["Cache-Control"] == "no-store"
    wav = respuesta.content
    assert wav[:4] == b"RIFF"
    assert wav[8:12] == b"WAVE"
    assert len(wav) > 20_000
    with wave.open(io.BytesIO(wav)) as lectura:
        segundos = lectura.getnframes() / lectura.getframerate()
    # Ten spelled characters with pauses and "Repito": several seconds, not a click.
    assert 4 < segundos < 30


def test_escuchar_el_audio_no_consume_ni_cambia_el_reto(client):
    clave = CaptchaStore.generate_key()
    antes = CaptchaStore.objects.get(hashkey=clave)

    assert client.get(url_audio(clave)).status_code == 200
    assert client.get(url_audio(clave)).status_code == 200

    despues = CaptchaStore.objects.get(hashkey=clave)
    assert (despues.challenge, despues.response, despues.expiration) == (
        antes.challenge,
        antes.response,
        antes.expiration,
    )


def test_clave_desconocida_da_404(client):
    assert client.get(url_audio("0" * 40)).status_code == 404


def test_clave_caducada_da_404(client):
    caducado = CaptchaStore.objects.create(
        challenge="ABC23",
        response="abc23",
        expiration=timezone.now() - datetime.timedelta(minutes=1),
    )

    assert client.get(url_audio(caducado.hashkey)).status_code == 404


def test_post_no_esta_permitido(client):
    clave = CaptchaStore.generate_key()

    assert client.post(url_audio(clave)).status_code == 405
    assert CaptchaStore.objects.filter(hashkey=clave).exists()


def test_sin_espeak_ng_el_audio_da_404(client, sin_espeak):
    clave = CaptchaStore.generate_key()

    assert client.get(url_audio(clave)).status_code == 404


def test_si_espeak_ng_falla_responde_503_sin_tocar_el_reto(client, monkeypatch, tmp_path):
    """An espeak-ng that says where its data is but fails to read: the person gets a clear
    failure, not a broken WAV."""
    falso = tmp_path / "espeak-ng"
    real = shutil.which("espeak-ng")
    falso.write_text(f'#!/bin/sh\n[ "$1" = --version ] && exec {real} --version\nexit 1\n')
    falso.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    clave = CaptchaStore.generate_key()

    respuesta = client.get(url_audio(clave))

    assert respuesta.status_code == 503
    assert respuesta["Content-Type"] != "audio/wav"
    assert CaptchaStore.objects.filter(hashkey=clave).exists()


def test_sin_espeak_ng_no_se_ofrece_el_audio(client, sin_espeak):
    """The page's link and "Actualizar Imagen"'s answer leave the audio out, rather than
    offer a link that answers 404."""
    assert "captcha-audio" not in campo_captcha().widget.render(
        "captcha", None, {"id": "id_captcha"}
    )
    nuevo = client.get(reverse("captcha-refresh"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert nuevo.json()["audio_url"] is None


def test_con_espeak_ng_se_ofrece_el_audio(client):
    assert "captcha-audio" in campo_captcha().widget.render("captcha", None, {"id": "id_captcha"})
    nuevo = client.get(reverse("captcha-refresh"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert nuevo.json()["audio_url"] == url_audio(nuevo.json()["key"])
