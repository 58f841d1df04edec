"""The captcha read aloud in Spanish with espeak-ng (registro/captcha/audio.py), for people who
cannot see the image: what is said for each character, and whether espeak-ng is there."""

import pytest

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


def test_sin_espeak_ng_no_esta_disponible(sin_espeak):
    assert not audio_captcha.disponible()
