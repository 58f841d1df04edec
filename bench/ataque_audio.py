"""The audio captcha against re-synthesis (a benchmark, not a test; issue 20): how many
challenges an attacker who has read registro/captcha/audio.py solves from the WAV alone.

The attacker knows the code: the alphabet, the letters' names, the voice variants, the ranges
of speed, pitch and tape speed, the link words and introductions. It does not know the draws,
which come from the server's secret key. Three attacks:

- "bytes", issue 20's: espeak-ng says each character's name alone (with the old fixed options
  and with every variant at the middle speed and pitch) and its loud 9 ms chunks that no other
  name has are looked for in the served file; the names found, in order, split at "Repito".
- "alineación": the served audio as 10 ms frames of 13 cepstra and their deltas (24 mel bands,
  25 ms windows), decoded against espeak-ng's own reading of every word the code can say, at
  three pitches and three tape speeds, with the grammar the code follows (an introduction,
  five characters with link words between them, "Repito", five more): one dynamic time
  warping over the whole file, against every variant of the sex whose introduction matched
  best at every tape speed, frames that fit no word (the murmur's) left to a filler. The two
  halves vote position by position, by how well each matched. (Fetching a challenge's audio
  again gives the same reading: there are no more readings of one code to vote over.)
- "alineación simple": the same decoding against espeak-ng's default voice alone, at one speed
  and pitch: issue 20's "simple alignment against espeak-ng's output".

`--generador anterior` reads the challenge as audio.py did before commit 4a511a3 (one fixed
espeak-ng reading): the control that shows an attack works; `actual` calls audio.sintetizar.
`--murmullo-db A-B` tries the murmur at another level. `--voces-publicas` has the generator speak
in espeak-ng's installed variants, the ones the attacker's templates are made of, in place of
this deployment's own (registro/captcha/voces.py): what the attack reads once it has the
voices, say from a leaked SECRET_KEY. After the attacks, the current reading's mean STOI
(`claridad`): what the murmur leaves of the letters for a listener.

    scripts/con-basedatos.sh .venv/bin/python bench/ataque_audio.py [-n 30]
        [--generador actual|anterior] [--murmullo-db 6-10] [--voces-publicas]

`medir(n, generador)` and `claridad(n)` are what bench/ataques.py calls.
"""

import argparse
import io
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from pystoi import stoi
from scipy.signal import resample

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")
os.environ.setdefault("DATABASE_URL", "postgres://sin-uso/sin-uso")  # nothing is queried
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from registro.captcha import audio, voces  # noqa: E402
from registro.captcha.reto import ALFABETO, reto_alfanumerico  # noqa: E402

TASA = audio.MUESTRAS_POR_SEGUNDO
VELOCIDAD_MEDIA = (audio.VELOCIDADES.start + audio.VELOCIDADES.stop - 1) // 2
TONO_MEDIO = (audio.TONOS.start + audio.TONOS.stop - 1) // 2


# The generators -------------------------------------------------------------------------------


def generador_anterior(reto: str, clave: str) -> bytes:
    """The reading before commit 4a511a3: the same bytes every time for the same challenge."""
    deletreo = ". ".join(audio.deletreo(reto))
    return _wav(_espeak(f"{deletreo}. Repito: {deletreo}.", opciones=["-v", "es-419", "-s", "130"]))


def generador_actual(reto: str, clave: str) -> bytes:
    return audio.sintetizar(reto, clave)


GENERADORES = {"actual": generador_actual, "anterior": generador_anterior}
# The old reading's voice (None) and every variant of the current one.
VOCES = (None, *audio.VARIANTES)


def _espeak(texto: str, opciones: list[str], ssml: bool = False) -> np.ndarray:
    salida = subprocess.run(
        ["espeak-ng", "--stdout", *(["-m"] if ssml else []), *opciones, "--", texto],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    return _pcm(salida)


def _pcm(wav: bytes) -> np.ndarray:
    """The 16-bit samples of a WAV, its chunks walked (espeak-ng leaves no sizes on a pipe)."""
    posicion = 12
    while posicion + 8 <= len(wav):
        nombre, tamano = (
            wav[posicion : posicion + 4],
            int.from_bytes(wav[posicion + 4 : posicion + 8], "little"),
        )
        if nombre == b"data":
            datos = wav[posicion + 8 :]
            return np.frombuffer(datos[: len(datos) - len(datos) % 2], dtype="<i2")
        posicion += 8 + tamano + (tamano % 2)
    raise ValueError("sin datos")


def _wav(muestras: np.ndarray) -> bytes:
    salida = io.BytesIO()
    with wave.open(salida, "wb") as escritura:
        escritura.setnchannels(1)
        escritura.setsampwidth(2)
        escritura.setframerate(TASA)
        escritura.writeframes(muestras.astype("<i2").tobytes())
    return salida.getvalue()


def _opciones(variante: str | None, velocidad: int = VELOCIDAD_MEDIA, tono: int = TONO_MEDIO):
    if variante is None:  # the old reading's options
        return ["-v", "es-419", "-s", "130"]
    return ["-v", f"es-419+{variante}", "-s", str(velocidad), "-p", str(tono)]


def _en_paralelo(funcion, trabajos):
    with ThreadPoolExecutor(max_workers=4) as hilos:  # espeak-ng runs in its own processes
        return list(hilos.map(lambda t: funcion(*t), trabajos))


# Attack 1: the samples of each name, looked for in the file -------------------------------------

TROZO = 200  # samples (9 ms) of a name looked for, one every TROZO of it
_trozos: dict[bytes, str] | None = None  # a chunk's bytes -> character or "repito"


def _trozos_de_bytes() -> dict[bytes, str]:
    """The loud chunks of each name as espeak-ng says it alone, in the old voice and in every
    variant at the middle speed and pitch, and of "Repito:"; chunks that two names share (the
    noise of an "s" or a "t") are dropped."""
    global _trozos
    if _trozos is None:
        trabajos = [(etiqueta, voz) for etiqueta in [*ALFABETO, "repito"] for voz in VOCES]

        def sintetizar(etiqueta, voz):
            return _espeak(audio.NOMBRES.get(etiqueta, "Repito:"), _opciones(voz))

        muestras = _en_paralelo(sintetizar, trabajos)
        _trozos = {}
        for voz in VOCES:
            de_la_voz = [
                (e, pcm) for (e, v), pcm in zip(trabajos, muestras, strict=True) if v == voz
            ]
            # Every name of this voice end to end, to see which names hold a chunk.
            todas = b"".join(pcm.tobytes() for _, pcm in de_la_voz)
            limites = np.cumsum([pcm.nbytes for _, pcm in de_la_voz])
            for etiqueta, pcm in de_la_voz:
                for desde in range(0, len(pcm) - TROZO, TROZO):
                    trozo = pcm[desde : desde + TROZO]
                    if np.abs(trozo).max() < 1000:
                        continue
                    clave, duenos = trozo.tobytes(), set()
                    posicion = todas.find(clave)
                    while posicion >= 0 and len(duenos) < 2:
                        duenos.add(int(np.searchsorted(limites, posicion, side="right")))
                        posicion = todas.find(clave, posicion + 2)
                    if len(duenos) == 1:
                        _trozos[clave] = etiqueta
    return _trozos


def ataque_bytes(wav: bytes) -> str:
    datos = _pcm(wav).tobytes()
    hallados = []  # (sample, label) of every chunk found
    for trozo, etiqueta in _trozos_de_bytes().items():
        posicion = datos.find(trozo)
        while posicion >= 0:
            if posicion % 2 == 0:
                hallados.append((posicion // 2, etiqueta))
            posicion = datos.find(trozo, posicion + 2)
    hallados.sort()
    # One name said: chunks of the same label less than 60 ms apart, one after another.
    dichos = []  # [first sample, last sample, label, chunks]
    for posicion, etiqueta in hallados:
        for dicho in reversed(dichos[-3:]):
            if dicho[2] == etiqueta and posicion - dicho[1] < TASA * 0.06:
                dicho[1], dicho[3] = posicion, dicho[3] + 1
                break
        else:
            dichos.append([posicion, posicion, etiqueta, 1])
    # Where two names overlap, the one with more chunks found.
    limpios = []
    for dicho in dichos:
        if limpios and dicho[0] <= limpios[-1][1]:
            if dicho[3] > limpios[-1][3]:
                limpios[-1] = dicho
            continue
        limpios.append(dicho)
    repito = [d[0] for d in limpios if d[2] == "repito"]
    letras = [(d[0], d[2]) for d in limpios if d[2] != "repito"]
    if repito:
        for mitad in (
            [e for p, e in letras if p < repito[0]],
            [e for p, e in letras if p > repito[0]],
        ):
            if len(mitad) == 5:
                return "".join(mitad)
    return "".join(e for _, e in letras[:5])


# Attack 2: alignment against espeak-ng's readings ----------------------------------------------

VENTANA = int(0.025 * TASA)  # 25 ms
SALTO = int(0.010 * TASA)  # 10 ms
FFT = 1024
BANDAS = 24
COEFICIENTES = 13


def _banco_mel() -> np.ndarray:
    def mel(f):
        return 2595 * np.log10(1 + f / 700)

    bordes_mel = np.linspace(mel(100), mel(8000), BANDAS + 2)
    bordes = 700 * (10 ** (bordes_mel / 2595) - 1)
    frecuencias = np.fft.rfftfreq(FFT, 1 / TASA)
    banco = np.zeros((BANDAS, len(frecuencias)))
    for b in range(BANDAS):
        izquierda, centro, derecha = bordes[b : b + 3]
        subida = (frecuencias - izquierda) / (centro - izquierda)
        bajada = (derecha - frecuencias) / (derecha - centro)
        banco[b] = np.clip(np.minimum(subida, bajada), 0, None)
    return banco


BANCO = _banco_mel()
HAMMING = np.hamming(VENTANA)
# DCT-II of the log energies: the spectral envelope, little moved by the pitch.
DCT = np.cos(np.pi / BANDAS * (np.arange(BANDAS) + 0.5)[None, :] * np.arange(COEFICIENTES)[:, None])
DCT *= np.sqrt(2 / BANDAS)
DCT[0] /= np.sqrt(2)  # orthonormal: the energy weighs as much as each shape coefficient
PISO = 1e2  # a band's energy floor: about that of an amplitude of one


def energias(muestras: np.ndarray) -> np.ndarray:
    """Per 10 ms frame, the energy in each of 24 mel bands (frames × bands)."""
    x = muestras.astype(np.float64)
    if len(x) < VENTANA:
        x = np.pad(x, (0, VENTANA - len(x)))
    cuantos = 1 + (len(x) - VENTANA) // SALTO
    indices = np.arange(VENTANA)[None, :] + SALTO * np.arange(cuantos)[:, None]
    espectro = np.abs(np.fft.rfft(x[indices] * HAMMING, FFT)) ** 2
    return espectro @ BANCO.T


def rasgos(energia: np.ndarray) -> np.ndarray:
    """Per frame, 13 cepstra and how they change (a regression over two frames each side)."""
    c = np.log(energia + PISO) @ DCT.T
    p = np.pad(c, ((2, 2), (0, 0)), mode="edge")
    return np.hstack([c, (p[3:-1] - p[1:-3] + 2 * (p[4:] - p[:-4])) / 10])


# Every word the reading can say, but the murmur's: each character's name, the link words, the
# introductions and "Repito".
ENLACES = sorted({e for e in audio.ENLACES if e})


def _palabras() -> list[tuple[str, str]]:
    return (
        [(c, audio.NOMBRES[c]) for c in ALFABETO]
        + [("enlace", e) for e in ENLACES]
        + [("introduccion", i) for i in audio.INTRODUCCIONES]
        + [("repito", "Repito:")]
    )


# A voice to the attacker: a variant (None: the old reading's) and a tape speed.
Voz = tuple[str | None, float]
_plantillas: dict[Voz, list[tuple[str, np.ndarray]]] = {}


def _recortada(pcm: np.ndarray) -> np.ndarray:
    sonoras = np.flatnonzero(np.abs(pcm) > 200)
    return pcm[max(0, sonoras[0] - 100) : sonoras[-1] + 100] if len(sonoras) else pcm


# The letters' pitch varies more than anything else: the reading's ±12, and each letter's ±12 %
# of it. Templates at one pitch solved 6 current readings of 20; at three, 11 to 16 of 20.
TONOS_DE_PLANTILLA = (TONO_MEDIO - 10, TONO_MEDIO, TONO_MEDIO + 10)


# The tape speeds the reading drifts between (audio.CINTA), three of them: each variant's
# templates played at each, as if another voice.
CINTAS_DE_PLANTILLA = (0.92, 1.0, 1.08)
VOCES_ACTUALES = [(v, cinta) for v in audio.VARIANTES for cinta in CINTAS_DE_PLANTILLA]


def plantillas(voces: list[Voz]) -> dict[Voz, list[tuple[str, np.ndarray]]]:
    """Per voice, each word's mel energies as espeak-ng says it at the middle speed, silence
    trimmed, played at the voice's tape speed: (label, frames × bands). A variant's at three
    pitches; a name or a link word also as said before another word, in about two thirds of
    the time ("tres" in "tres. tres.", where the first "tres" is not the end of what is said),
    and a name after a vowel."""
    faltan = sorted({voz for voz, _ in voces if (voz, 1.0) not in _plantillas}, key=str)
    trabajos = [(voz, etiqueta, texto) for voz in faltan for etiqueta, texto in _palabras()]

    def sintetizar(voz, etiqueta, texto):
        formas = []
        for tono in TONOS_DE_PLANTILLA if voz else [TONO_MEDIO]:
            solo = _recortada(_espeak(texto, _opciones(voz, tono=tono)))
            formas.append(solo)
            if etiqueta != "introduccion" and (tono == TONO_MEDIO or etiqueta in ALFABETO):
                dos = _recortada(_espeak(f"{texto}. {texto}.", _opciones(voz, tono=tono)))
                formas.append(dos[: max(len(dos) - len(solo), VENTANA)])
            if etiqueta in ALFABETO:
                # After a vowel, as the old reading says it ("de" in "a. de.": no stop).
                tras = _recortada(_espeak(f"a. {texto}.", _opciones(voz, tono=tono)))
                formas.append(tras[-len(solo) :])
        return formas

    for (voz, etiqueta, _), formas in zip(
        trabajos, _en_paralelo(sintetizar, trabajos), strict=True
    ):
        for cinta in CINTAS_DE_PLANTILLA if voz else [1.0]:
            _plantillas.setdefault((voz, cinta), []).extend(
                (etiqueta, energias(resample(pcm, round(len(pcm) / cinta)))) for pcm in formas
            )
    return _plantillas


UMBRAL_DE_RELLENO = 8.0  # the most a frame left to no word costs (about a poor match's)
INICIO = 500  # frames (5 s) where the introduction is looked for


def _ruido(energia: np.ndarray) -> np.ndarray:
    """The background's energy per band: the median of the quietest fifth of the frames."""
    total = energia.sum(axis=1)
    return np.median(energia[total <= np.quantile(total, 0.2)], axis=0)


def _gramatica(etiquetas: list[str], completa: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which words may start at each level, and which of them lead one level up.

    The reading (`completa`): level 0 before the first character (the introduction), 1..5 after
    each character of the first half, "Repito" from 5 to 6, 6..11 the second half; link words
    only between characters. Otherwise: an introduction from level 0 to level 1, nothing else."""
    tipo = np.array(etiquetas)
    es_caracter = np.isin(tipo, list(ALFABETO))
    if not completa:
        return (tipo == "introduccion")[None, :] & np.array([[True], [False]]), np.ones_like(
            es_caracter
        )
    permitida = np.zeros((12, len(etiquetas)), bool)
    for nivel in range(12):
        permitida[nivel] = es_caracter & (nivel not in (5, 11))
        if nivel not in (0, 5, 6, 11):
            permitida[nivel] |= tipo == "enlace"
        if nivel == 0:
            permitida[nivel] |= tipo == "introduccion"
        if nivel == 5:
            permitida[nivel] |= tipo == "repito"
    return permitida, es_caracter | (tipo == "repito")


def decodificar(x, fondo, palabras, completa=True, relleno=UMBRAL_DE_RELLENO):
    """The cheapest reading of the frames' features `x` that the grammar allows, by dynamic
    time warping against the words' templates (their energies added to the file's background
    `fondo`, so both are heard through the same noise), all words and levels at once, frame by
    frame. Returns (cost per frame, [(label, cost per frame)] of the characters read)."""
    etiquetas = [e for e, _ in palabras]
    plantas = [rasgos(p + fondo) for _, p in palabras]
    largos = np.array([len(p) for p in plantas])
    comienzos = np.concatenate([[0], np.cumsum(largos)[:-1]])
    finales = comienzos + largos - 1
    todas = np.concatenate(plantas)
    distancia = np.sqrt(
        np.maximum((x**2).sum(1)[:, None] + (todas**2).sum(1)[None, :] - 2 * x @ todas.T, 0)
    ).astype(np.float32)  # frames × template frames
    # A frame left to no word costs its distance to the background, at most `relleno`.
    relleno = np.minimum(relleno, np.sqrt(((x - rasgos(fondo[None, :])) ** 2).sum(1)))
    permitida, avanza = _gramatica(etiquetas, completa)
    niveles, J, T, INF = len(permitida), len(todas), len(x), np.inf
    filas = np.arange(niveles)
    entrada = np.zeros(J, bool)
    entrada[comienzos] = True
    # Moves within a word: stay, or advance one, two or three template frames (a word said up
    # to three times faster than its template), never across words.
    cierres = [np.where(entrada, INF, 0.0).astype(np.float32)]
    for paso in (1, 2):
        cierres.append(cierres[-1] + np.where(np.roll(entrada, paso), INF, 0.0))
    arranque = np.where(np.repeat(permitida, largos, axis=1) & entrada, 0.0, INF)
    arranque = arranque.astype(np.float32)
    igual = np.where(permitida & ~avanza, 0.0, INF)  # words that end at their own level
    sube = np.where(permitida & avanza, 0.0, INF)  # and those that end one level up
    D = np.full((niveles, J), INF, np.float32)
    S = np.zeros((niveles, J), np.int32)  # the frame where each path's word began
    B = np.full((niveles, T + 1), INF)  # best cost having explained frames < t, between words
    B[0, 0] = 0.0
    # For each boundary: the level and frame its last word started from, and the word (-1: none).
    previo = np.zeros((niveles, T + 1), np.int64)
    desde = np.zeros((niveles, T + 1), np.int64)
    palabra = np.full((niveles, T + 1), -1)
    movido = np.full_like(D, INF)
    S_movido = np.zeros_like(S)
    for t in range(T):
        mejor, S_mejor = D, S
        for paso, cierre in enumerate(cierres, 1):
            movido[:, paso:] = D[:, :-paso]
            movido[:, :paso] = INF
            movido += cierre
            S_movido[:, paso:] = S[:, :-paso]
            cambio = movido < mejor
            mejor = np.where(cambio, movido, mejor)
            S_mejor = np.where(cambio, S_movido, S_mejor)
        inicio = arranque + B[:, t, None].astype(np.float32)
        cambio = inicio < mejor
        D = np.where(cambio, inicio, mejor) + distancia[t][None, :]
        S = np.where(cambio, t, S_mejor)
        # Boundaries after frame t: a frame left to no word, or a word ending.
        B[:, t + 1] = B[:, t] + relleno[t]
        fin = D[:, finales]
        for origen, destino, mascara in ((filas, filas, igual), (filas[:-1], filas[1:], sube)):
            costes = fin[origen] + mascara[origen]
            k = np.argmin(costes, axis=1)
            coste = costes[np.arange(len(origen)), k]
            mejora = coste < B[destino, t + 1]
            B[destino[mejora], t + 1] = coste[mejora]
            previo[destino[mejora], t + 1] = origen[mejora]
            desde[destino[mejora], t + 1] = S[origen[mejora], finales[k[mejora]]]
            palabra[destino[mejora], t + 1] = k[mejora]
    # Back from the end: the characters read, in order, each with its cost per frame.
    nivel, t = niveles - 1, T
    leidas = []
    while t > 0:
        k = palabra[nivel, t]
        if k < 0:
            t -= 1
            continue
        origen, comienzo = previo[nivel, t], desde[nivel, t]
        if etiquetas[k] in ALFABETO:
            coste = (B[nivel, t] - B[origen, comienzo]) / max(1, t - comienzo)
            leidas.append((etiquetas[k], coste))
        nivel, t = origen, comienzo
    leidas.reverse()
    return B[niveles - 1, T] / T, leidas


def _del_mismo_sexo(voz: Voz) -> list[Voz]:
    """The voices a reading in ``voz`` says its letters in: each letter is said by one of the
    variants of its sex (audio.guion), at whatever speed the tape has drifted to then."""
    variante, _ = voz
    if variante is None:
        return [voz]
    sexo = audio.MASCULINAS if variante in audio.MASCULINAS else audio.FEMENINAS
    return [(v, cinta) for v in sexo for cinta in CINTAS_DE_PLANTILLA]


def alineacion(wav: bytes, voces: list[Voz]) -> list[tuple[str, float]]:
    """The ten characters the cheapest reading says, each with its cost per frame."""
    energia = energias(_pcm(wav))
    x, fondo = rasgos(energia), _ruido(energia)
    todas = plantillas(voces)
    # The introduction is said in one voice: the introductions' templates choose the closest,
    # and with it the letters' sex.
    introduccion = {
        voz: decodificar(
            x[:INICIO], fondo, [p for p in todas[voz] if p[0] == "introduccion"], False
        )[0]
        for voz in voces
    }
    voz = min(voces, key=introduccion.get)
    palabras = [p for otra in _del_mismo_sexo(voz) for p in todas[otra]]
    _, leidas = decodificar(x, fondo, palabras)
    return leidas if len(leidas) == 10 else []


def votar(leidas: list[tuple[str, float]]) -> str:
    """Each of the five positions: the character said most often in the halves read (in one
    reading, its two halves), ties to the best matched."""
    respuesta = ""
    for posicion in range(5):
        votos = {}
        for caracter, coste in leidas[posicion::5]:
            cuantos, mejor = votos.get(caracter, (0, np.inf))
            votos[caracter] = (cuantos + 1, min(mejor, coste))
        if not votos:
            return ""
        respuesta += min(votos, key=lambda c: (-votos[c][0], votos[c][1]))
    return respuesta


# Issue 20's "simple alignment against espeak-ng's output": its default voice, one speed and
# pitch, the same decoding. Against the old reading that is the attacker's whole knowledge.
VOZ_DE_ESPEAK = [(None, 1.0)]
ATAQUES = ("bytes", "alineación simple", "alineación")
VOCES_DEL_GENERADOR = {"actual": VOCES_ACTUALES, "anterior": VOZ_DE_ESPEAK}


# What a listener keeps --------------------------------------------------------------------------


def claridad(n: int) -> float:
    """The mean short-time objective intelligibility (STOI, 0 to 1; Taal et al., 2011) of n
    readings: each served reading against the same reading with no murmur and no hiss (the
    same key, so the same voices, tape speeds and pauses). No one can listen here;
    STOI is the measure of how much of the letters' detail the rest leaves, the same way for
    every change."""
    murmullo, sibilancia = audio.MURMULLO_DB, audio.SIBILANCIA_DB
    valores = []
    for _ in range(n):
        reto, _ = reto_alfanumerico()
        clave = secrets.token_hex(20)
        servida = _pcm(audio.sintetizar(reto, clave))
        # The murmur's level is the reading's last draw: the rest of it stays the same.
        audio.MURMULLO_DB, audio.SIBILANCIA_DB = range(200, 201), 200
        try:
            limpia = _pcm(audio.sintetizar(reto, clave))
        finally:
            audio.MURMULLO_DB, audio.SIBILANCIA_DB = murmullo, sibilancia
        valores.append(stoi(limpia.astype(float), servida.astype(float), TASA))
    return float(np.mean(valores))


def voces_publicas() -> None:
    """The generator speaks in espeak-ng's installed variants, those of the attacker's
    templates, rather than this deployment's."""
    instalados = voces.datos_instalados("espeak-ng")
    voces.datos = lambda programa, variantes: instalados.parent


# Running ---------------------------------------------------------------------------------------


def _uno(generador: str) -> dict[str, tuple[bool, float]]:
    """One fresh challenge: whether each attack solved it, and in how many seconds."""
    reto, _ = reto_alfanumerico()
    wav = GENERADORES[generador](reto, secrets.token_hex(20))  # a key like the library's
    inicio = time.perf_counter()
    leidas = {}
    for ataque, atacar in (
        ("bytes", ataque_bytes),
        ("alineación simple", lambda wav: votar(alineacion(wav, VOZ_DE_ESPEAK))),
        ("alineación", lambda wav: votar(alineacion(wav, VOCES_DEL_GENERADOR[generador]))),
    ):
        leidas[ataque] = (atacar(wav) == reto, time.perf_counter() - inicio)
        inicio = time.perf_counter()
    return leidas


def medir(n: int, generador: str = "actual") -> dict:
    """{attack: (solved, n, seconds per challenge)} over n fresh challenges, on every core."""
    plantillas(VOCES_DEL_GENERADOR[generador] + VOZ_DE_ESPEAK)
    _trozos_de_bytes()  # made once here; the workers inherit them
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as grupo:
        filas = grupo.map(_uno, [generador] * n)
    return {
        nombre: (sum(f[nombre][0] for f in filas), n, sum(f[nombre][1] for f in filas) / n)
        for nombre in ATAQUES
    }


def main():
    argumentos = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    argumentos.add_argument("-n", type=int, default=30)
    argumentos.add_argument("--generador", choices=sorted(GENERADORES), default="actual")
    argumentos.add_argument(
        "--murmullo-db",
        type=lambda texto: range(int(texto.split("-")[0]), int(texto.split("-")[1]) + 1),
        help="try the murmur this many decibels below the letters, e.g. 6-10",
    )
    argumentos.add_argument(
        "--voces-publicas",
        action="store_true",
        help="the generator speaks in espeak-ng's installed variants, as the attacker's templates",
    )
    opciones = argumentos.parse_args()
    if opciones.voces_publicas:
        voces_publicas()
    if opciones.murmullo_db:
        audio.MURMULLO_DB = opciones.murmullo_db
    inicio = time.perf_counter()
    resultados = medir(opciones.n, opciones.generador)
    print("| generador | ataque | resueltos | % | s por reto |")
    print("|---|---|---:|---:|---:|")
    for nombre, (resueltos, total, segundos) in resultados.items():
        print(
            f"| {opciones.generador} | {nombre} | {resueltos}/{total} | "
            f"{100 * resueltos / total:.0f} % | {segundos:.2f} |"
        )
    if opciones.generador == "actual":
        print(f"\nSTOI media de {opciones.n} lecturas: {claridad(opciones.n):.3f}")
    print(f"\n{time.perf_counter() - inicio:.0f} s en total, {os.cpu_count()} procesos.")


if __name__ == "__main__":
    main()
