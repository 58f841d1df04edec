"""The captcha audio's own voices (registro/captcha/voces.py): espeak-ng's variants with their
formants moved, one for every voice of a reading, deleted once read."""

import re
import shutil

import numpy
import pytest

from registro.captcha import audio, voces

PROGRAMA = shutil.which("espeak-ng")


def formantes(variante: str) -> dict[int, int]:
    """The frequency, in per cent, of each of formants F1–F5 of a variant file."""
    return {int(n): int(f) for n, f in re.findall(r"^formant\s+([1-5])\s+(\d+)", variante, re.M)}


def sin_formantes(variante: str) -> list[str]:
    return [linea for linea in variante.splitlines() if not linea.startswith("formant")]


def test_cada_voz_de_una_lectura_mueve_los_formantes_de_su_variante_y_se_borra_al_final():
    carpeta = voces.datos_privados(PROGRAMA) / "espeak-ng-data" / "voices" / "!v"
    base = (carpeta / "m3").read_text(encoding="utf-8")
    with voces.Voces(PROGRAMA, audio.azar_de("clave-1")) as propia:
        nombres = [propia("m3") for _ in range(4)]
        movidas = [(carpeta / nombre).read_text(encoding="utf-8") for nombre in nombres]

    menor, mayor = voces.FORMANTES
    for movida in movidas:
        assert formantes(movida).keys() == formantes(base).keys() == {1, 2, 3, 4, 5}
        for n, frecuencia in formantes(base).items():
            assert menor * frecuencia - 1 <= formantes(movida)[n] <= mayor * frecuencia + 1
        assert sin_formantes(movida) == sin_formantes(base)  # same pitch, sex, breath
    assert len({tuple(formantes(movida).values()) for movida in movidas}) == 4
    assert not any((carpeta / nombre).exists() for nombre in nombres)


def centroide(wav: bytes) -> float:
    """The spectral centroid of the voiced samples, in Hz: higher formants, higher centroid."""
    senal = numpy.asarray(audio._muestras(wav), dtype=float).ravel()
    espectro = numpy.abs(numpy.fft.rfft(senal))
    frecuencias = numpy.fft.rfftfreq(len(senal), 1 / audio.MUESTRAS_POR_SEGUNDO)
    return float((frecuencias * espectro).sum() / espectro.sum())


@pytest.mark.parametrize("variante", ["m3", "f2"])
@pytest.mark.parametrize("ssml", [False, True], ids=["opcion", "ssml"])
def test_espeak_ng_dice_la_letra_con_los_formantes_movidos(variante, ssml, monkeypatch):
    """The moved formants reach the sound, whether the voice is named in espeak-ng's options
    (the introduction) or in the reading's SSML (each letter): "a" said with every formant 8 %
    up is brighter than with every formant 8 % down (same speed and pitch: the same draws)."""
    centroides = []
    for factor in (0.92, 1.08):
        monkeypatch.setattr(voces, "FORMANTES", (factor, factor))
        azar = audio.azar_de("clave-1")
        with voces.Voces(PROGRAMA, azar) as propia:
            voz = propia(variante)
            if ssml:  # the options name the installed variant: only the SSML can move them
                texto = f'<speak><voice name="{audio.VOZ}+{voz}">a</voice></speak>'
                opcion = variante
            else:
                texto, opcion = "a", voz
            proceso = audio._espeak(PROGRAMA, texto, opcion, azar, ssml=ssml)
            centroides.append(centroide(audio._leer(proceso)))

    assert centroides[1] > 1.1 * centroides[0]
