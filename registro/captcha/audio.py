"""The captcha's challenge read aloud in Spanish, for people who cannot see the image.

django-simple-captcha's own audio uses flite, which speaks English; here espeak-ng spells the
challenge one character at a time with Spanish letter and digit names. Fetching the audio only
reads the challenge: it neither consumes nor changes it, so the person still has to type it.

A reading that espeak-ng could make again would be solved by making it again: a script that
synthesised each letter and looked for its bytes in the file read 90 % of the challenges. So
nothing of a reading is predictable: it draws a sex and, for each letter, a voice of it (as
this deployment says it, voces.py: no copy of the public code speaks with these voices), the
speed and pitch of the reading and of each letter, the pauses and the words between letters,
plays the whole as a tape whose speed drifts a little fast or slow (the voice's formants move,
not only its pitch), and mixes in a murmur of other words in a voice of the other sex and a
hiss below the letters (docs/security.md, "The audio against re-synthesis and alignment"). The draws
come from a secret seed per challenge key: fetching the audio again gives the same reading,
so an attacker cannot vote over many readings of one code. The letters' names stay those of
the Spanish alphabet, said twice.
"""

import hashlib
import io
import math
import random
import secrets
import shutil
import struct
import subprocess
import wave

from django.urls import reverse
from django.utils.crypto import salted_hmac
from PIL import Image, ImageMath

from . import voces

PROGRAMA = "espeak-ng"
# Latin-American Spanish ("Spanish_(Latin_America)" in `espeak-ng --voices=es`): seseo, so
# "ce" and "zeta" sound as a Mexican listener expects.
VOZ = "es-419"
# espeak-ng's plain male and female variants (`espeak-ng --voices=variant`); none of the
# whispered, croaking or robotic ones. Each is said in this deployment's own way (voces.py).
MASCULINAS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
FEMENINAS = ("f1", "f2", "f3", "f4", "f5")
VARIANTES = MASCULINAS + FEMENINAS
# Words per minute, around the 130 chosen so each letter can be told apart (espeak-ng's own
# default, 175, runs them together); and espeak-ng's pitch, 0–99, around its default 50.
VELOCIDADES = range(115, 146)
TONOS = range(38, 63)
# Each letter's own speed and pitch, in per cent of the reading's.
VELOCIDAD_DE_LETRA = range(88, 113)
TONO_DE_LETRA = range(-12, 13)
# The reading played as a tape whose speed drifts within this range: speed, pitch and formants
# together, so it sounds like another speaker of the same voice, still as clear. The speed
# glides from one drawn value to the next over each stretch of DERIVA_MS, a step every PASO_MS.
CINTA = (0.88, 1.12)
DERIVA_MS = range(400, 1201)
PASO_MS = 10
PAUSAS_MS = range(0, 301)
SILENCIO_INICIAL_MS = range(150, 901)
FUNDIDO_MS = 1500  # how long the murmur takes to rise once the letters' voice begins
INTRODUCCIONES = ("El código es:", "Escuche el código:", "Estos son los caracteres del código:")
# Between letters: words no Spanish letter or digit is called, so a listener cannot take one
# for a character.
ENLACES = ("", "", "luego", "después", "sigue", "ahora", "la siguiente", "otra")
# The murmur: ordinary words, none a letter's or a digit's name, said by a voice of the other
# sex, which a listener tells apart from the letters by its pitch.
PALABRAS_DEL_MURMULLO = [
    "casa",
    "mesa",
    "camino",
    "tarde",
    "ventana",
    "libro",
    "puerto",
    "campo",
    "mañana",
    "camisa",
    "plaza",
    "rueda",
    "montaña",
    "pueblo",
    "carta",
    "cocina",
    "jardín",
    "río",
    "verano",
    "lámpara",
    "silla",
    "fruta",
    "piedra",
    "nube",
    "abrigo",
]
# How far below the letters the murmur and the hiss sit (their power against the letters').
# Listeners follow one voice over another of the other sex 6 dB below it near their best; at
# 14–18 dB below, alignment against espeak-ng still read 25 codes of 30, at 6–10 dB 2 of 30
# (docs/security.md, "The audio against re-synthesis and alignment").
MURMULLO_DB = range(6, 11)
SIBILANCIA_DB = 26
TIEMPO_MAXIMO = 10  # seconds

NOMBRES = {
    "A": "a",
    "B": "be",
    "C": "ce",
    "D": "de",
    "E": "e",
    "F": "efe",
    "G": "ge",
    "H": "hache",
    "I": "i",
    "J": "jota",
    "K": "ka",
    "L": "ele",
    "M": "eme",
    "N": "ene",
    "Ñ": "eñe",
    "O": "o",
    "P": "pe",
    "Q": "cu",
    "R": "erre",
    "S": "ese",
    "T": "te",
    "U": "u",
    "V": "uve",
    "W": "doble uve",
    "X": "equis",
    "Y": "i griega",
    "Z": "zeta",
    "0": "cero",
    "1": "uno",
    "2": "dos",
    "3": "tres",
    "4": "cuatro",
    "5": "cinco",
    "6": "seis",
    "7": "siete",
    "8": "ocho",
    "9": "nueve",
}


class Azar(random.Random):
    """The draws of one reading: the same for the same seed. The hiss's bytes come from SHAKE,
    not from the Mersenne twister, whose state its raw output would give away."""

    def __init__(self, semilla: bytes):
        super().__init__(semilla)
        self.semilla = semilla

    def bytes_al_azar(self, cuantos: int) -> bytes:
        return hashlib.shake_256(self.semilla).digest(cuantos)


def azar_de(clave: str | None = None) -> Azar:
    """The draws for challenge key ``clave``, from SECRET_KEY; new secret draws without a key."""
    if clave is None:
        return Azar(secrets.token_bytes(32))
    return Azar(salted_hmac("registro.captcha.audio", clave, algorithm="sha256").digest())


def disponible() -> bool:
    """Whether espeak-ng is installed; without it the page offers no audio."""
    return shutil.which(PROGRAMA) is not None


def url(clave: str) -> str | None:
    """Where the audio of challenge ``clave`` is, or None without espeak-ng."""
    return reverse("captcha_audio", args=[clave]) if disponible() else None


def deletreo(reto: str) -> list[str]:
    """The Spanish names of the challenge's characters, in order."""
    return [NOMBRES.get(caracter, caracter) for caracter in reto.upper()]


def guion(reto: str, azar: Azar | None = None, voces: tuple[str, ...] = MASCULINAS) -> str:
    """What espeak-ng reads (SSML): an introduction, the characters one by one, each in one of
    ``voces``, then "Repito:" and the characters again; every voice, pause, link word, speed
    and pitch drawn. espeak-ng pauses at each change of prosody, so the letters need no full
    stop between them."""
    azar = azar or azar_de()

    def letras() -> str:
        partes = []
        for indice, nombre in enumerate(deletreo(reto)):
            enlace = azar.choice(ENLACES) if indice else ""
            velocidad, tono = azar.choice(VELOCIDAD_DE_LETRA), azar.choice(TONO_DE_LETRA)
            voz, pausa = azar.choice(voces), azar.choice(PAUSAS_MS)
            partes.append(
                f'{enlace} <voice name="{VOZ}+{voz}"><prosody rate="{velocidad}%" '
                f'pitch="{tono:+d}%">{nombre}</prosody></voice> <break time="{pausa}ms"/>'
            )
        return " ".join(partes)

    return f"<speak>{azar.choice(INTRODUCCIONES)} {letras()}. Repito: {letras()}.</speak>"


def sintetizar(reto: str, clave: str | None = None) -> bytes:
    """WAV bytes of the challenge read aloud, the same every time for the same key (a new
    reading each time without one); raises OSError, SubprocessError or ValueError."""
    programa = shutil.which(PROGRAMA)
    if programa is None:
        raise FileNotFoundError(PROGRAMA)
    azar = azar_de(clave)
    del_mismo_sexo, de_otro_sexo = azar.choice([(MASCULINAS, FEMENINAS), (FEMENINAS, MASCULINAS)])
    murmullo = " ".join(azar.choices(PALABRAS_DEL_MURMULLO, k=24))
    lectura = guion(reto, azar, del_mismo_sexo)
    # Both readings at once: the murmur costs no waiting.
    with (
        _espeak(programa, lectura, azar.choice(del_mismo_sexo), azar, ssml=True) as letras,
        _espeak(programa, murmullo, azar.choice(de_otro_sexo), azar) as otro,
    ):
        voz, fondo = _muestras(_leer(letras)), _muestras(_leer(otro))
    return _wav(_mezcla(voz, fondo, azar))


def _espeak(
    programa: str, texto: str, variante: str, azar: Azar, ssml: bool = False
) -> subprocess.Popen:
    opciones = [
        f"--path={voces.datos(programa, VARIANTES)}",
        "-v",
        f"{VOZ}+{variante}",
        "-s",
        str(azar.choice(VELOCIDADES)),
        "-p",
        str(azar.choice(TONOS)),
    ]
    return subprocess.Popen(  # noqa: S603 - fixed program and options, no shell; "--" ends options
        [programa, "--stdout", *(["-m"] if ssml else []), *opciones, "--", texto],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _leer(proceso: subprocess.Popen) -> bytes:
    try:
        salida, _ = proceso.communicate(timeout=TIEMPO_MAXIMO)
    except subprocess.TimeoutExpired:
        proceso.kill()
        raise
    if proceso.returncode:
        raise subprocess.CalledProcessError(proceso.returncode, PROGRAMA)
    return salida


def _muestras(wav: bytes) -> Image.Image:
    """The 16-bit samples of espeak-ng's WAV. Writing to a pipe, espeak-ng cannot go back to
    fill in the sizes and leaves 0x7ffff... there, so the chunks are walked, not trusted.
    Raises ValueError if not a WAV or empty."""
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("espeak-ng no devolvió un WAV")
    posicion = 12
    while posicion + 8 <= len(wav):
        nombre, tamano = (
            wav[posicion : posicion + 4],
            struct.unpack_from("<I", wav, posicion + 4)[0],
        )
        if nombre == b"data":
            datos = wav[posicion + 8 :]
            datos = datos[: len(datos) - len(datos) % 2]
            if not datos:
                raise ValueError("el WAV de espeak-ng está vacío")
            # One row of 32-bit samples, for Pillow to add in C (_mezcla).
            return Image.frombytes("I", (len(datos) // 2, 1), datos, "raw", "I;16S")
        posicion += 8 + tamano + (tamano % 2)
    raise ValueError("el WAV de espeak-ng no tiene datos")


MUESTRAS_POR_SEGUNDO = 22050  # espeak-ng's rate, for every voice


def _potencia(muestras: Image.Image) -> float:
    """The mean power of the speech, its pauses left out."""
    cuadrados = ImageMath.lambda_eval(lambda a: a["float"](a["m"]) * a["m"], m=muestras)
    sonoras = ImageMath.lambda_eval(lambda a: a["float"](abs(a["m"]) > 300), m=muestras)
    habla = ImageMath.lambda_eval(lambda a: a["c"] * a["s"], c=cuadrados, s=sonoras)
    return max(1.0, _media(habla)) / max(_media(sonoras), 1e-6)


def _media(imagen: Image.Image) -> float:
    return imagen.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def _cinta(voz: Image.Image, azar: Azar) -> Image.Image:
    """The letters played as a tape whose speed drifts: each step of PASO_MS reads as many
    samples as that moment's speed says, the speed gliding between values drawn from CINTA.
    One speed for the whole reading was learnt from its introduction: an attacker then read
    the letters against templates at that speed alone."""
    paso = PASO_MS * MUESTRAS_POR_SEGUNDO // 1000
    tramos = []  # (where a step goes, the stretch of the letters it reads)
    origen, destino = 0.0, 0
    velocidad = azar.uniform(*CINTA)
    while origen < voz.width:
        siguiente = azar.uniform(*CINTA)
        pasos = azar.choice(DERIVA_MS) // PASO_MS
        for indice in range(pasos):
            if origen >= voz.width:
                break
            fin = origen + paso * (velocidad + (siguiente - velocidad) * (indice + 0.5) / pasos)
            tramos.append(((destino, 0, destino + paso, 1), (origen, 0, origen, 1, fin, 1, fin, 0)))
            origen, destino = fin, destino + paso
        velocidad = siguiente
    return voz.transform((destino, 1), Image.Transform.MESH, tramos, Image.Resampling.BICUBIC)


def _entrada(largo: int, desde: int) -> Image.Image:
    """The murmur's volume: none before the letters' voice, then rising within FUNDIDO_MS, so
    the first voice a listener hears, saying the introduction, is the one to follow."""
    rampa = Image.new("F", (2, 1))
    rampa.putpixel((1, 0), 1.0)
    volumen = Image.new("F", (largo, 1), 1.0)
    volumen.paste(0.0, (0, 0, desde, 1))
    rampa = rampa.resize((FUNDIDO_MS * MUESTRAS_POR_SEGUNDO // 1000, 1), Image.Resampling.BILINEAR)
    volumen.paste(rampa, (desde, 0))
    return volumen


def _mezcla(voz: Image.Image, fondo: Image.Image, azar: Azar) -> bytes:
    """The letters as a tape drifting a little fast or slow, after a silence, over the murmur
    (repeated as needed, from a random point) and a hiss, each so many decibels below them.
    The sums and the resampling are Pillow's, in C, on the samples as a one-row image: Python's
    own loop took 1.5 s a reading."""
    voz = _cinta(voz, azar)
    silencio = azar.choice(SILENCIO_INICIAL_MS) * MUESTRAS_POR_SEGUNDO // 1000
    largo = silencio + voz.width
    potencia = _potencia(voz)
    letras = Image.new("I", (largo, 1))
    letras.paste(voz, (silencio, 0))
    murmullo = Image.new("I", (largo, 1))
    inicio = -azar.randrange(fondo.width)
    while inicio < largo:
        murmullo.paste(fondo, (inicio, 0))
        inicio += fondo.width
    murmullo = ImageMath.lambda_eval(
        lambda a: a["m"] * a["e"], m=murmullo, e=_entrada(largo, silencio)
    )
    ruido = Image.frombytes("I", (largo, 1), azar.bytes_al_azar(largo), "raw", "I;8S")
    # Uniform noise from -128 to 127 has the power of 128²/3.
    ganancias = {
        "g_murmullo": math.sqrt(
            potencia / _potencia(fondo) / 10 ** (azar.choice(MURMULLO_DB) / 10)
        ),
        "g_ruido": math.sqrt(potencia / (128**2 / 3) / 10 ** (SIBILANCIA_DB / 10)),
    }
    mezcla = ImageMath.lambda_eval(
        lambda a: a["min"](
            a["max"](a["v"] + a["f"] * a["g_murmullo"] + a["r"] * a["g_ruido"], -32768.0), 32767.0
        ),
        v=letras,
        f=murmullo,
        r=ruido,
        **ganancias,
    )
    return _en_16_bits(mezcla)


# Pillow writes 32-bit samples out in 16 bits only unsigned and big-endian ("I;16B"): the
# samples go up by 32768 first, then their top bit is flipped (signed again) and their two
# bytes swapped (little-endian, as WAV wants), all in C. Python's own loop took 80 ms.
_BIT_DE_SIGNO = bytes(byte ^ 0x80 for byte in range(256))


def _en_16_bits(muestras: Image.Image) -> bytes:
    sin_signo = ImageMath.lambda_eval(lambda a: a["m"] + 32768.0, m=muestras)
    datos = bytearray(sin_signo.convert("I").tobytes("raw", "I;16B"))
    altos, bajos = datos[0::2].translate(_BIT_DE_SIGNO), datos[1::2]
    datos[0::2], datos[1::2] = bajos, altos
    return bytes(datos)


def _wav(muestras: bytes) -> bytes:
    salida = io.BytesIO()
    with wave.open(salida, "wb") as escritura:
        escritura.setnchannels(1)
        escritura.setsampwidth(2)
        escritura.setframerate(MUESTRAS_POR_SEGUNDO)
        escritura.writeframes(muestras)
    return salida.getvalue()
