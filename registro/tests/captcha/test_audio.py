"""The captcha read aloud in Spanish with espeak-ng (registro/captcha/audio.py), for people who
cannot see the image: what is said for each character, that no two readings are alike, and
whether espeak-ng is there."""

import io
import math
import re
import subprocess
import wave
from array import array
from itertools import pairwise

import pytest
from PIL import Image

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


def test_deletrea_el_reto_con_los_nombres_espanoles():
    assert audio_captcha.deletreo("BX7WQ") == ["be", "equis", "siete", "doble uve", "cu"]


def test_el_reto_en_minusculas_se_deletrea_igual():
    assert audio_captcha.deletreo("k4y") == audio_captcha.deletreo("K4Y")


def test_el_alfabeto_del_captcha_y_los_nombres_esperados_coinciden():
    assert set(NOMBRES_ESPERADOS) == set(ALFABETO)


@pytest.mark.parametrize("caracter", list(ALFABETO))
def test_cada_caracter_del_alfabeto_tiene_nombre_en_espanol(caracter):
    assert audio_captcha.deletreo(caracter) == [NOMBRES_ESPERADOS[caracter]]


def palabras_dichas(guion: str) -> list[str]:
    """The words of an SSML reading, its tags and punctuation left out."""
    return re.sub(r"<[^>]*>|[.:]", " ", guion).split()


def test_la_lectura_dice_los_caracteres_en_orden_dos_veces_y_nada_que_parezca_otro():
    nombres = {palabra for nombre in NOMBRES_ESPERADOS.values() for palabra in nombre.split()}
    guion = audio_captcha.guion("BX7WQ")

    dichos = [palabra for palabra in palabras_dichas(guion) if palabra in nombres]

    assert dichos == ["be", "equis", "siete", "doble", "uve", "cu"] * 2
    assert "Repito" in palabras_dichas(guion)
    # Between the letters and under them only words no character is called.
    relleno = {
        p for texto in audio_captcha.ENLACES + audio_captcha.INTRODUCCIONES for p in texto.split()
    }
    assert not (relleno | set(audio_captcha.PALABRAS_DEL_MURMULLO)) & (nombres | {"i", "y"})


def test_la_voz_que_dice_el_codigo_se_oye_sola_antes_que_el_murmullo(monkeypatch):
    """The first voice a listener hears is the one to follow: the murmur of the other sex is
    silent until that voice begins its introduction, then rises to its level."""
    servida = array("h", muestras(audio_captcha.sintetizar("BX7WQ", "clave-1")))
    # The murmur's level is the reading's last draw: without a murmur, the same reading.
    monkeypatch.setattr(audio_captcha, "MURMULLO_DB", range(200, 201))
    sin_murmullo = array("h", muestras(audio_captcha.sintetizar("BX7WQ", "clave-1")))
    murmullo = [a - b for a, b in zip(servida, sin_murmullo, strict=True)]
    comienzo = next(i for i, muestra in enumerate(sin_murmullo) if abs(muestra) > 1000)
    tasa = audio_captcha.MUESTRAS_POR_SEGUNDO

    assert not any(murmullo[: comienzo + tasa // 4])
    despues = murmullo[comienzo + 2 * tasa :]
    assert sum(m * m for m in despues) / len(despues) > 100**2


def test_cada_lectura_se_dice_de_otra_manera():
    guiones = {audio_captcha.guion("BX7WQ") for _ in range(5)}

    assert len(guiones) == 5


def test_las_letras_las_dicen_varias_voces_de_un_mismo_sexo():
    """An attacker who recognised the voice from the introduction would compare every letter
    with that voice's own; each letter is said by one of the variants of the same sex, so the
    listener still hears one kind of speaker."""
    for voces in (audio_captcha.MASCULINAS, audio_captcha.FEMENINAS):
        guion = audio_captcha.guion("BX7WQ", voces=voces)

        dichas = re.findall(r'<voice name="es-419\+(\w+)">', guion)

        assert len(dichas) == 10
        assert set(dichas) <= set(voces)
        assert len(set(dichas)) > 1


def test_la_cinta_cambia_de_velocidad_a_lo_largo_de_la_lectura():
    """With one tape speed for a whole reading, an attacker learnt it from the introduction
    and read the letters against templates at that speed alone. A steady tone played through
    the tape comes out higher and lower along it, never beyond audio.CINTA."""
    tasa, hercios = audio_captcha.MUESTRAS_POR_SEGUNDO, 441
    tono = array(
        "i", (round(8000 * math.sin(2 * math.pi * hercios * i / tasa)) for i in range(8 * tasa))
    )
    cinta = audio_captcha._cinta(
        Image.frombytes("I", (len(tono), 1), tono.tobytes()), audio_captcha.azar_de("clave-1")
    )
    salida = array("i", cinta.tobytes())
    cuarto = tasa // 4
    razones = []  # the tone's frequency in each quarter of a second, against the original's
    for inicio in range(0, len(salida) - 2 * cuarto, cuarto):
        trozo = salida[inicio : inicio + cuarto]
        cruces = sum((a < 0) != (b < 0) for a, b in pairwise(trozo))
        razones.append(cruces / 2 * 4 / hercios)

    menor, mayor = audio_captcha.CINTA
    assert all(menor - 0.02 <= razon <= mayor + 0.02 for razon in razones)
    assert max(razones) / min(razones) > 1.08


def muestras(wav: bytes) -> bytes:
    with wave.open(io.BytesIO(wav)) as lectura:
        return lectura.readframes(lectura.getnframes())


def test_dos_audios_del_mismo_codigo_son_distintos_en_cada_trozo():
    """Re-synthesis found the answer by looking for a letter's bytes in the file: no stretch of
    one reading may appear in another reading of the same code, under another challenge key."""
    primero, segundo = (
        muestras(audio_captcha.sintetizar("BX7WQ", clave)) for clave in ("clave-1", "clave-2")
    )

    assert primero != segundo
    trozos = [primero[inicio : inicio + 400] for inicio in range(0, len(primero) - 400, 4000)]
    assert not any(trozo in segundo for trozo in trozos)


def test_volver_a_pedir_el_audio_de_un_reto_da_la_misma_lectura():
    """Each new reading of one code would give an attacker another try at the same answer,
    to vote over; a person who cannot make it out asks for a new code instead."""
    assert audio_captcha.sintetizar("BX7WQ", "clave-1") == audio_captcha.sintetizar(
        "BX7WQ", "clave-1"
    )


def test_el_audio_no_contiene_lo_que_espeak_ng_dice_de_una_letra():
    """The attack of issue 20: espeak-ng's own reading of a letter, found byte for byte."""
    letra = subprocess.run(
        ["espeak-ng", "--stdout", "-v", "es-419", "-s", "130", "--", "equis."],
        capture_output=True,
        check=True,
    ).stdout
    centro = letra[len(letra) // 2 :][:400]

    assert centro.strip(b"\x00")
    assert centro not in audio_captcha.sintetizar("XXXXX")


def test_espeak_ng_esta_disponible():
    assert audio_captcha.disponible()


def test_sin_espeak_ng_no_esta_disponible(sin_espeak):
    assert not audio_captcha.disponible()
