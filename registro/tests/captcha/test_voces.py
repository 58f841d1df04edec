"""The captcha audio's voices, this deployment's own (registro/captcha/voces.py): espeak-ng's
variants with their formants moved by factors drawn from SECRET_KEY, which espeak-ng really
speaks with."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings

from registro.captcha import audio, voces

PROGRAMA = shutil.which("espeak-ng")


def formantes(variante: str) -> dict[int, int]:
    """The frequency, in per cent, of each of formants F1–F5 of a variant file."""
    return {int(n): int(f) for n, f in re.findall(r"^formant\s+([1-5])\s+(\d+)", variante, re.M)}


def sin_formantes(variante: str) -> list[str]:
    return [linea for linea in variante.splitlines() if linea and not linea.startswith("formant")]


def datos_instalados() -> Path:
    return voces.datos_instalados(PROGRAMA)


def instalada(variante: str) -> str:
    return (datos_instalados() / "voices" / "!v" / variante).read_text(encoding="utf-8")


@pytest.mark.parametrize("variante", audio.VARIANTES)
def test_cada_voz_mueve_sus_formantes_unos_arriba_y_otros_abajo(variante):
    """One factor for every formant would be a faster or slower tape, which the attacker's
    templates cover; neighbouring formants move 8–12 % in opposite directions."""
    carpeta = voces.datos(PROGRAMA, audio.VARIANTES) / "espeak-ng-data" / "voices" / "!v"
    base, propia = instalada(variante), (carpeta / variante).read_text(encoding="utf-8")

    factores = [formantes(propia)[n] / formantes(base)[n] for n in range(1, 6)]

    menor, mayor = voces.MOVIMIENTO
    assert all(menor - 0.01 <= abs(factor - 1) <= mayor + 0.01 for factor in factores)
    assert all((a - 1) * (b - 1) < 0 for a, b in zip(factores, factores[1:], strict=False))
    # Pitch, sex, breath and the rest as espeak-ng has them, and a little flutter and roughness.
    assert sin_formantes(propia) == sin_formantes(base) + voces.AJUSTES.splitlines()


def test_otra_clave_secreta_da_otras_voces():
    """A copy of the public code, with its own SECRET_KEY, does not speak like this one."""
    base = instalada("m3")
    esta = voces.movida("m3", base)
    with override_settings(SECRET_KEY="otra-clave-secreta-de-otro-despliegue"):
        otra = voces.movida("m3", base)

    assert formantes(esta) != formantes(otra)
    assert esta == voces.movida("m3", base)


@pytest.mark.parametrize("variante", ["m3", "f2"])
def test_espeak_ng_habla_con_las_voces_de_este_despliegue(variante):
    """espeak-ng falls back to its plain voice, silently, when it does not find a variant."""
    datos = voces.datos(PROGRAMA, audio.VARIANTES)

    def di(*opciones: str) -> bytes:
        return subprocess.run(
            [PROGRAMA, "--stdout", *opciones, "-v", f"{audio.VOZ}+{variante}", "--", "be"],
            capture_output=True,
            check=True,
        ).stdout

    propia, publica = di(f"--path={datos}"), di()

    assert len(propia) > 10_000
    assert propia != publica


def test_el_audio_no_es_lo_que_dicen_las_variantes_publicas(monkeypatch):
    """The same reading (same key, same draws) said with espeak-ng's installed variants, as an
    attacker with the public code would say it, is another sound."""
    servida = audio.sintetizar("BX7WQ", "clave-1")
    monkeypatch.setattr(voces, "datos", lambda programa, variantes: datos_instalados().parent)

    assert audio.sintetizar("BX7WQ", "clave-1") != servida
