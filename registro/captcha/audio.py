"""The captcha's challenge read aloud in Spanish, for people who cannot see the image.

django-simple-captcha's own audio uses flite, which speaks English; here espeak-ng spells the
challenge one character at a time with Spanish letter and digit names. Fetching the audio only
reads the challenge: it neither consumes nor changes it, so the person still has to type it.
"""

import shutil
import struct
import subprocess

PROGRAMA = "espeak-ng"
# Latin-American Spanish ("Spanish_(Latin_America)" in `espeak-ng --voices=es`): seseo, so
# "ce" and "zeta" sound as a Mexican listener expects.
VOZ = "es-419"
VELOCIDAD = 130  # words per minute; slower than espeak-ng's 175 so each letter can be told apart
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


def disponible() -> bool:
    """Whether espeak-ng is installed; without it the page offers no audio."""
    return shutil.which(PROGRAMA) is not None


def texto_hablado(reto: str) -> str:
    """The challenge spelled for a listener, one character per sentence, said twice."""
    deletreo = ". ".join(NOMBRES.get(caracter, caracter) for caracter in reto.upper())
    return f"{deletreo}. Repito: {deletreo}."


def sintetizar(texto: str) -> bytes:
    """WAV bytes of `texto` spoken by espeak-ng; raises OSError, SubprocessError or ValueError."""
    programa = shutil.which(PROGRAMA)
    if programa is None:
        raise FileNotFoundError(PROGRAMA)
    resultado = subprocess.run(  # noqa: S603 - fixed program and options, no shell; "--" ends options
        [programa, "--stdout", "-v", VOZ, "-s", str(VELOCIDAD), "--", texto],
        capture_output=True,
        timeout=TIEMPO_MAXIMO,
        check=True,
    )
    return _con_tamanos_reales(resultado.stdout)


def _con_tamanos_reales(wav: bytes) -> bytes:
    """The WAV with its real sizes in the header.

    Writing to a pipe, espeak-ng cannot go back to fill in the sizes and leaves 0x7ffff...;
    players then report a length of hours or refuse to seek. Raises ValueError if not a WAV.
    """
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("espeak-ng no devolvió un WAV")
    corregido = bytearray(wav)
    struct.pack_into("<I", corregido, 4, len(wav) - 8)
    posicion = 12
    while posicion + 8 <= len(wav):
        nombre = wav[posicion : posicion + 4]
        if nombre == b"data":
            struct.pack_into("<I", corregido, posicion + 4, len(wav) - posicion - 8)
            return bytes(corregido)
        (tamano,) = struct.unpack_from("<I", wav, posicion + 4)
        posicion += 8 + tamano + (tamano % 2)
    raise ValueError("el WAV de espeak-ng no tiene datos")
