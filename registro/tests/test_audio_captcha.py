"""The captcha read aloud in Spanish with espeak-ng, for people who cannot see the image."""

import datetime
import io
import wave

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils import timezone

from registro.captcha import audio as audio_captcha
from registro.captcha.reto import ALFABETO

pytestmark = pytest.mark.django_db

# What a Spanish-speaking listener should hear for each character the captcha can draw.
NOMBRES_ESPERADOS = {
    "A": "a",
    "B": "be",
    "C": "ce",
    "D": "de",
    "E": "e",
    "F": "efe",
    "G": "ge",
    "H": "hache",
    "J": "jota",
    "K": "ka",
    "M": "eme",
    "N": "ene",
    "P": "pe",
    "Q": "cu",
    "R": "erre",
    "T": "te",
    "U": "u",
    "V": "uve",
    "W": "doble uve",
    "X": "equis",
    "Y": "i griega",
    "Z": "zeta",
    "2": "dos",
    "3": "tres",
    "4": "cuatro",
    "6": "seis",
    "7": "siete",
    "8": "ocho",
    "9": "nueve",
}


def url_audio(clave: str) -> str:
    return reverse("captcha_audio", args=[clave])


@pytest.fixture
def sin_espeak(monkeypatch, tmp_path):
    """A machine without espeak-ng: PATH holds only an empty directory."""
    monkeypatch.setenv("PATH", str(tmp_path))


def test_deletrea_el_reto_en_espanol_dos_veces():
    assert audio_captcha.texto_hablado("BX7WQ") == (
        "be. equis. siete. doble uve. cu. Repito: be. equis. siete. doble uve. cu."
    )


def test_el_reto_en_minusculas_se_deletrea_igual():
    assert audio_captcha.texto_hablado("k4y") == audio_captcha.texto_hablado("K4Y")


def test_el_alfabeto_del_captcha_y_los_nombres_esperados_coinciden():
    assert set(NOMBRES_ESPERADOS) == set(ALFABETO)


@pytest.mark.parametrize("caracter", list(ALFABETO))
def test_cada_caracter_del_alfabeto_tiene_nombre_en_espanol(caracter):
    nombre = NOMBRES_ESPERADOS[caracter]
    assert audio_captcha.texto_hablado(caracter) == f"{nombre}. Repito: {nombre}."


def test_ningun_caracter_queda_sin_nombre():
    palabras = audio_captcha.texto_hablado(ALFABETO).replace(".", " ").replace(":", " ").split()
    conocidas = {palabra for nombre in NOMBRES_ESPERADOS.values() for palabra in nombre.split()}
    assert set(palabras) <= conocidas | {"Repito"}
    # No digit is read as a bare numeral, and no letter is left as a bare capital.
    assert not any(c.isdigit() or c.isupper() for c in "".join(palabras).replace("Repito", ""))


def test_espeak_ng_esta_disponible():
    assert audio_captcha.disponible()


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


def test_sin_espeak_ng_no_esta_disponible(sin_espeak):
    assert not audio_captcha.disponible()


def test_sin_espeak_ng_el_audio_da_404(client, sin_espeak):
    clave = CaptchaStore.generate_key()

    assert client.get(url_audio(clave)).status_code == 404


def test_si_espeak_ng_falla_responde_503_sin_tocar_el_reto(client, monkeypatch, tmp_path):
    """An espeak-ng that exits with an error: the person gets a clear failure, not a broken WAV."""
    falso = tmp_path / "espeak-ng"
    falso.write_text("#!/bin/sh\nexit 1\n")
    falso.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    clave = CaptchaStore.generate_key()

    respuesta = client.get(url_audio(clave))

    assert respuesta.status_code == 503
    assert respuesta["Content-Type"] != "audio/wav"
    assert CaptchaStore.objects.filter(hashkey=clave).exists()
