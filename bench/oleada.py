"""make bench-oleada: a surge of people registering at once, with and without the waiting
room (a benchmark, not a test).

People arrive at a multiple of the password hasher's rate H (hashes per second with every
core hashing, measured before the first run; again before each, for the record) for
DURACION_OLEADA seconds, Poisson, and each walks the registration as a browser does: the
waiting room's page, reloaded when its Refresh header says; step 1's form and "Buscar";
step 2's form, its captcha image and "Crear usuario" (again after Retry-After when the
server is busy); the "usuario creado" page. Each person
has a CURP of the registry, an address of their own (X-Forwarded-For behind one trusted
proxy) and one connection, kept open while the server allows it; a request unanswered after
PACIENCIA seconds makes them give up. The load comes from one asyncio process with an HTTP
client of its own: on this 2-core machine every cycle it spends is taken from the server.

Each run (CORRIDAS, "mode:multiple" separated by commas) starts gunicorn as make serve does,
with the e-mail sender, over a database of its own made anew. Printed: Markdown tables, one
column per run; before them, a reload of the waiting page against the bare Django "hello"
view under wrk, which is what a person waiting costs the server.
"""

import asyncio
import datetime
import math
import os
import random
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg2

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")

from bench import servicio  # noqa: E402
from bench.comun import base_de_datos_propia, entorno_de_produccion, ficha_csrf  # noqa: E402

DURACION_OLEADA = float(os.environ.get("DURACION_OLEADA", "40"))
# After the arrivals stop, the people in line and in the form are waited for this long at
# most; whoever has not finished by then is reported as still waiting. At 10×H the room,
# admitting 0.6×H, needs about 10 / 0.6 × DURACION_OLEADA ≈ 670 s to let everyone in.
DRENAJE_MAXIMO = float(os.environ.get("DRENAJE_MAXIMO", "1200"))
CORRIDAS = os.environ.get("CORRIDAS", "automatica:3,apagada:3,automatica:10")
N_REGISTRO = int(os.environ.get("N_REGISTRO", "50000"))
SEMILLA = int(os.environ.get("SEMILLA", "2026"))
PACIENCIA = 10.0  # seconds a browser waits for an answer before it gives up
PUERTO = 8811
CONTRASENA = servicio.CONTRASENA

PASO_1_URL = "/oficina-virtual/registro/"
PASO_2_URL = "/oficina-virtual/registro/usuario/"

ESPERA = "sala de espera (recarga)"
PASO_1 = "paso 1: formulario (GET)"
BUSCAR = "paso 1: Buscar (POST)"
PASO_2 = "paso 2: formulario (GET)"
IMAGEN = "imagen del captcha"
CREAR = "Crear usuario (POST)"
CREADO = "usuario creado (GET)"
TIPOS = (ESPERA, PASO_1, BUSCAR, PASO_2, IMAGEN, CREAR, CREADO)

SALA = re.compile(r'<section\b[^>]*\bclass="sala-de-espera"[^>]*>')
CLAVE_CAPTCHA = re.compile(r'name="captcha_0" value="([0-9a-f]{40})"')
IMAGEN_CAPTCHA = re.compile(r'<img\b[^>]*\bsrc="(/captcha/image/[0-9a-f]{40}/)"')


@dataclass
class Respuesta:
    estado: int
    cabeceras: dict[str, list[str]]
    cuerpo: bytes

    def cabecera(self, nombre: str) -> str | None:
        valores = self.cabeceras.get(nombre.lower())
        return valores[-1] if valores else None

    @property
    def texto(self) -> str:
        return self.cuerpo.decode("utf-8", "replace")


async def leer_respuesta(lector: asyncio.StreamReader) -> Respuesta:
    """One HTTP/1.1 response; its body by Content-Length, in chunks, or up to the close."""
    linea = await lector.readline()
    if not linea:
        raise ConnectionResetError("la conexión se cerró sin respuesta")
    estado = int(linea.split(None, 2)[1])
    cabeceras = defaultdict(list)
    while (linea := await lector.readline()) not in (b"\r\n", b"\n", b""):
        nombre, _, valor = linea.decode("latin-1").partition(":")
        cabeceras[nombre.strip().lower()].append(valor.strip())
    if "chunked" in ",".join(cabeceras.get("transfer-encoding", [])).lower():
        partes = []
        while tamano := int((await lector.readline()).split(b";")[0], 16):
            partes.append(await lector.readexactly(tamano))
            await lector.readexactly(2)
        while (await lector.readline()) not in (b"\r\n", b"\n", b""):  # trailers
            pass
        cuerpo = b"".join(partes)
    elif "content-length" in cabeceras:
        cuerpo = await lector.readexactly(int(cabeceras["content-length"][-1]))
    elif estado in (204, 304):
        cuerpo = b""
    else:
        cuerpo = await lector.read()
    return Respuesta(estado, dict(cabeceras), cuerpo)


def guardar_galletas(galletas: dict[str, str], respuesta: Respuesta):
    """The cookies a response sets or deletes (Django deletes with an empty value and
    Max-Age=0)."""
    for linea in respuesta.cabeceras.get("set-cookie", []):
        par, *atributos = linea.split(";")
        nombre, _, valor = par.strip().partition("=")
        if valor in ("", '""') or any(a.strip().lower() == "max-age=0" for a in atributos):
            galletas.pop(nombre, None)
        else:
            galletas[nombre] = valor


class Navegador:
    """One person's browser: its cookies and one connection, kept open while the server
    allows it (gunicorn's sync workers close it after each answer; a browser opens another)."""

    def __init__(self, puerto: int, direccion: str):
        self.puerto, self.direccion = puerto, direccion
        self.galletas: dict[str, str] = {}
        self._conexion: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def peticion(self, metodo: str, ruta: str, campos: dict | None = None) -> bytes:
        cuerpo = urllib.parse.urlencode(campos).encode() if campos is not None else b""
        lineas = [
            f"{metodo} {ruta} HTTP/1.1",
            f"Host: 127.0.0.1:{self.puerto}",
            "User-Agent: bench-oleada",
            "Accept: text/html,*/*",
            f"X-Forwarded-For: {self.direccion}",
        ]
        if self.galletas:
            lineas.append("Cookie: " + "; ".join(f"{n}={v}" for n, v in self.galletas.items()))
        if campos is not None:
            lineas += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(cuerpo)}",
            ]
        return ("\r\n".join(lineas) + "\r\n\r\n").encode("latin-1") + cuerpo

    async def pedir(self, metodo: str, ruta: str, campos: dict | None = None) -> Respuesta:
        peticion = self.peticion(metodo, ruta, campos)
        while True:
            reutilizada = self._conexion is not None
            if not reutilizada:
                self._conexion = await asyncio.open_connection("127.0.0.1", self.puerto)
            lector, escritor = self._conexion
            try:
                escritor.write(peticion)
                respuesta = await leer_respuesta(lector)
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.cerrar()
                if not reutilizada:  # a kept connection the server had closed: once more
                    raise
        if "close" in (respuesta.cabecera("connection") or "").lower():
            self.cerrar()
        guardar_galletas(self.galletas, respuesta)
        return respuesta

    def cerrar(self):
        if self._conexion is not None:
            self._conexion[1].close()
            self._conexion = None


@dataclass
class Persona:
    """One person of the surge; times in seconds from the start of the arrivals."""

    numero: int
    curp: str
    llegada: float  # their first request sent
    turno: int | None = None  # their place in the room's order (its cookies carry the number)
    retraso: float = 0.0  # behind the planned arrival: the load generator falling behind
    primera_espera: float | None = None  # the first waiting page received
    estimada: float | None = None  # the wait that first page announced (data-espera)
    lugar: int | None = None  # and the place in line
    recargas: int = 0
    refresco: float = 0.0  # the last Refresh interval the room gave
    ultima_espera: float | None = None  # the last reload answered "wait" was sent
    admitida: float | None = None  # step 1's form first received
    creada: float | None = None  # "Crear usuario" answered with the redirect: the account exists
    registrada: float | None = None  # the "usuario creado" page received
    ocupado: int = 0
    abandono: str | None = None


class Abandono(Exception):
    """The person gives up: a request unanswered after PACIENCIA seconds, or an answer a
    person cannot go on from."""


def turno(galletas: dict[str, str]) -> int | None:
    """The turn number the room's signed cookies carry in clear ("<turn>:<signature>"; the
    pass, "<turn>:<time>:<signature>")."""
    for nombre in ("sala_turno", "sala_pase"):
        numero = galletas.get(nombre, "").strip('"').split(":")[0]
        if numero.isdigit():
            return int(numero)
    return None


def direccion(numero: int) -> str:
    return f"10.{(numero >> 16) & 255}.{(numero >> 8) & 255}.{numero & 255}"


@dataclass
class Oleada:
    """One surge against the server at ``puerto``: its people and every answer's figures.
    ``respuesta_captcha(clave)`` reads the answer a person would read in the image."""

    puerto: int
    respuesta_captcha: Callable[[str], str | None]
    etiqueta: str = "oleada"
    inicio: float = field(default_factory=time.monotonic)
    personas: list[Persona] = field(default_factory=list)
    latencias: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    estados: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    timeouts: Counter = field(default_factory=Counter)
    sin_conexion: Counter = field(default_factory=Counter)
    ocupados: int = 0
    fin_llegadas: float = 0.0
    fin: float = 0.0
    cpu: float = 0.0  # CPU seconds of the load generator

    def ahora(self) -> float:
        return time.monotonic() - self.inicio

    async def pedir(
        self, navegador: Navegador, tipo: str, metodo: str, ruta: str, campos=None, clasificar=None
    ) -> Respuesta:
        """One request, timed; counted under ``tipo``, or ``clasificar(respuesta)``."""
        inicio = time.monotonic()
        try:
            respuesta = await asyncio.wait_for(navegador.pedir(metodo, ruta, campos), PACIENCIA)
        except TimeoutError:
            navegador.cerrar()
            self.timeouts[tipo] += 1
            raise Abandono(f"timeout en {tipo}") from None
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
            navegador.cerrar()  # refused, cut, or not HTTP
            self.sin_conexion[tipo] += 1
            raise Abandono(f"{type(error).__name__} en {tipo}") from None
        if clasificar:
            tipo = clasificar(respuesta)
        self.latencias[tipo].append(time.monotonic() - inicio)
        self.estados[tipo][respuesta.estado] += 1
        return respuesta

    async def recorrer(self, persona: Persona):
        """The registration as a browser walks it, from the waiting room to "usuario
        creado"."""
        navegador = Navegador(self.puerto, direccion(persona.numero))
        try:
            await self._recorrer(navegador, persona)
        except Abandono as abandono:
            persona.abandono = str(abandono)
        except Exception as error:  # a page this script did not expect: counted, not hidden
            persona.abandono = f"error del generador: {error!r}"
        finally:
            navegador.cerrar()

    async def _recorrer(self, navegador: Navegador, persona: Persona):
        while True:
            enviada = self.ahora()
            respuesta = await self.pedir(
                navegador,
                ESPERA if persona.recargas else PASO_1,  # a timeout: what it last was
                "GET",
                PASO_1_URL,
                clasificar=lambda r: ESPERA if r.cabecera("refresh") else PASO_1,
            )
            if persona.turno is None:
                persona.turno = turno(navegador.galletas)
            if respuesta.estado == 200 and (refresco := respuesta.cabecera("refresh")):
                if persona.primera_espera is None:
                    persona.primera_espera = self.ahora()
                    if sala := SALA.search(respuesta.texto):
                        lugar = re.search(r'data-lugar="(\d+)"', sala.group(0))
                        espera = re.search(r'data-espera="(\d+)"', sala.group(0))
                        persona.lugar = int(lugar.group(1)) if lugar else None
                        persona.estimada = int(espera.group(1)) if espera else None
                persona.recargas += 1
                persona.ultima_espera = enviada
                persona.refresco = float(refresco.split(";")[0])
                await asyncio.sleep(persona.refresco)
                continue
            if respuesta.estado != 200 or 'name="curp"' not in respuesta.texto:
                raise Abandono(f"{respuesta.estado} en {PASO_1}")
            persona.admitida = self.ahora()
            break
        campos = {"csrfmiddlewaretoken": ficha_csrf(respuesta.texto), "curp": persona.curp}
        respuesta = await self.pedir(navegador, BUSCAR, "POST", PASO_1_URL, campos)
        if respuesta.estado != 302 or PASO_2_URL not in (respuesta.cabecera("location") or ""):
            raise Abandono(f"{respuesta.estado} en {BUSCAR}")
        nombre = f"{self.etiqueta}.{persona.numero}"
        while True:
            respuesta = await self.pedir(navegador, PASO_2, "GET", PASO_2_URL)
            clave = CLAVE_CAPTCHA.search(respuesta.texto)
            imagen = IMAGEN_CAPTCHA.search(respuesta.texto)
            if respuesta.estado != 200 or not clave or not imagen:
                raise Abandono(f"{respuesta.estado} en {PASO_2}")
            campos = {
                "csrfmiddlewaretoken": ficha_csrf(respuesta.texto),
                "username": nombre,
                "password1": CONTRASENA,
                "password2": CONTRASENA,
                "email": f"{nombre}@correo.example",
                "captcha_0": clave.group(1),
            }
            respuesta = await self.pedir(navegador, IMAGEN, "GET", imagen.group(1))
            if respuesta.estado != 200:
                raise Abandono(f"{respuesta.estado} en {IMAGEN}")
            campos["captcha_1"] = self.respuesta_captcha(clave.group(1)) or "?"
            respuesta = await self.pedir(navegador, CREAR, "POST", PASO_2_URL, campos)
            reintentar = respuesta.cabecera("retry-after")
            if respuesta.estado == 503 and reintentar and reintentar.isdigit():
                persona.ocupado += 1
                self.ocupados += 1
                await asyncio.sleep(int(reintentar))
                continue
            destino = respuesta.cabecera("location") or ""
            if respuesta.estado != 302 or "usuario-creado" not in destino:
                raise Abandono(f"{respuesta.estado} en {CREAR}")
            persona.creada = self.ahora()
            break
        respuesta = await self.pedir(navegador, CREADO, "GET", urllib.parse.urlsplit(destino).path)
        if respuesta.estado != 200:
            raise Abandono(f"{respuesta.estado} en {CREADO}")
        persona.registrada = self.ahora()

    def en_curso(self) -> dict[str, int]:
        personas = self.personas
        terminadas = sum(p.registrada is not None or p.abandono is not None for p in personas)
        return {
            "llegadas": len(personas),
            "admitidas": sum(p.admitida is not None for p in personas),
            "registradas": sum(p.registrada is not None for p in personas),
            "abandonos": sum(p.abandono is not None for p in personas),
            "sin terminar": len(personas) - terminadas,
        }


def llegadas(tasa: float, duracion: float, azar: random.Random) -> list[float]:
    """Poisson arrivals at ``tasa`` a second over ``duracion`` seconds: their instants."""
    instantes, t = [], azar.expovariate(tasa)
    while t < duracion:
        instantes.append(t)
        t += azar.expovariate(tasa)
    return instantes


async def lanzar(
    oleada: Oleada,
    instantes: list[float],
    curps: list[str],
    avisar=None,
    drenaje: float = DRENAJE_MAXIMO,
) -> Oleada:
    """Each person at their instant, then wait for all to finish (``drenaje`` seconds at
    most: the rest are stopped where they are). ``avisar(oleada)`` every 10 s."""
    if len(instantes) > len(curps):
        raise ValueError(f"{len(instantes)} personas y solo {len(curps)} CURPs")
    oleada.inicio, cpu = time.monotonic(), time.process_time()
    reporte = asyncio.create_task(_avisos(oleada, avisar)) if avisar else None
    tareas = []
    for numero, instante in enumerate(instantes):
        if (falta := instante - oleada.ahora()) > 0:
            await asyncio.sleep(falta)
        persona = Persona(numero, curps[numero], llegada=oleada.ahora())
        persona.retraso = persona.llegada - instante
        oleada.personas.append(persona)
        tareas.append(asyncio.create_task(oleada.recorrer(persona)))
    oleada.fin_llegadas = oleada.ahora()
    if tareas:
        _, pendientes = await asyncio.wait(tareas, timeout=drenaje)
        for tarea in pendientes:
            tarea.cancel()
        await asyncio.gather(*pendientes, return_exceptions=True)
    oleada.fin = oleada.ahora()
    oleada.cpu = time.process_time() - cpu
    if reporte:
        reporte.cancel()
    return oleada


async def _avisos(oleada: Oleada, avisar):
    while True:
        await asyncio.sleep(10)
        avisar(oleada)


async def vigilar_memoria(gunicorn: subprocess.Popen, picos: dict[int, float]):
    """Each gunicorn worker's resident memory, every second: the highest seen, in MiB, by pid
    (a worker that dies and is replaced keeps its figure)."""
    while True:
        for trabajador in psutil.Process(gunicorn.pid).children():
            try:
                residente = trabajador.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                continue
            picos[trabajador.pid] = max(picos.get(trabajador.pid, 0.0), residente)
        await asyncio.sleep(1)


def pico_de_memoria(gunicorn: subprocess.Popen, picos: dict[int, float]) -> dict[int, float]:
    """The sampled peaks, raised to each live worker's own high-water mark (VmHWM)."""
    for trabajador in psutil.Process(gunicorn.pid).children():
        try:
            estado = Path(f"/proc/{trabajador.pid}/status").read_text()
        except OSError:
            continue
        if marca := re.search(r"VmHWM:\s+(\d+) kB", estado):
            picos[trabajador.pid] = max(picos.get(trabajador.pid, 0.0), int(marca.group(1)) / 1024)
    return picos


def percentil(valores: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of them at or below it."""
    ordenados = sorted(valores)
    return ordenados[max(0, math.ceil(p / 100 * len(ordenados)) - 1)]


def inversiones(personas: list[Persona]) -> dict:
    """Among the people who reached step 1, in order of turn (without a room, of arrival):
    ``contiguas``, adjacent pairs where the later turn saw step 1's form first, by any margin
    (polling alone makes some: each person sees the form at their next reload after being
    admitted); ``rebasadas``, people the room still told to wait, on a reload sent after
    someone with a later turn had received step 1's form, which no polling explains;
    ``adelanto``: the most anyone saw the form before someone with an earlier turn, s."""
    admitidas = sorted(
        (p for p in personas if p.admitida is not None), key=lambda p: (p.turno or 0, p.llegada)
    )
    pares = list(zip(admitidas, admitidas[1:], strict=False))
    adelanto, mas_tarde = 0.0, -math.inf
    for persona in admitidas:
        adelanto = max(adelanto, mas_tarde - persona.admitida)
        mas_tarde = max(mas_tarde, persona.admitida)
    rebasadas, antes_despues = 0, math.inf
    for persona in reversed(admitidas):
        rebasadas += persona.ultima_espera is not None and persona.ultima_espera > antes_despues
        antes_despues = min(antes_despues, persona.admitida)
    return {
        "personas": len(admitidas),
        "por_turno": any(p.turno is not None for p in admitidas),
        "pares": len(pares),
        "contiguas": sum(a.admitida > b.admitida for a, b in pares),
        "rebasadas": rebasadas,
        "adelanto": adelanto,
    }


def estimaciones(personas: list[Persona]) -> dict:
    """The first wait each waiting person was shown, against the one measured from that page
    to step 1's form, for those who reached it: share of ratios measured / shown within
    [0.75, 1.25], their median and 10th and 90th percentiles."""
    pares = [
        (p.admitida - p.primera_espera, p.estimada)
        for p in personas
        if p.primera_espera is not None and p.admitida is not None and p.estimada is not None
    ]
    razones = [medida / estimada for medida, estimada in pares if estimada > 0]
    if not razones:
        return {"n": len(pares), "cero": len(pares)}
    return {
        "n": len(pares),
        "cero": len(pares) - len(razones),
        "dentro": sum(0.75 <= r <= 1.25 for r in razones) / len(razones),
        "mediana": percentil(razones, 50),
        "p10": percentil(razones, 10),
        "p90": percentil(razones, 90),
    }


def _tres(valores: list[float], escala: float = 1.0, decimales: int = 0) -> str:
    if not valores:
        return "—"
    p50, p99, maximo = (escala * percentil(valores, p) for p in (50, 99, 100))
    return f"{p50:,.{decimales}f} / {p99:,.{decimales}f} / {maximo:,.{decimales}f}"


def _parte(n: int, total: int) -> str:
    return f"{n:,} de {total:,} ({n / total:.1%})" if total else "—"


def _contados(contador: Counter) -> str:
    total = sum(contador.values())
    detalle = ", ".join(f"{tipo} {n:,}" for tipo, n in contador.most_common())
    return f"{total:,} ({detalle})" if total else "0"


def resumen(oleada: Oleada, corrida: dict) -> tuple[dict[str, str], dict[str, str]]:
    """A run's two columns: latencies by request kind, and everything else."""
    latencias = {
        f"{tipo}: ms p50 / p99 / máx (n)": (
            f"{_tres(oleada.latencias[tipo], 1000)} ({len(oleada.latencias[tipo]):,})"
            if oleada.latencias[tipo]
            else "—"
        )
        for tipo in TIPOS
    }
    personas, h = oleada.personas, corrida["hashes"]
    admitidas = [p for p in personas if p.admitida is not None]
    registradas = [p for p in personas if p.registrada is not None]
    esperaron = [p for p in personas if p.primera_espera is not None]
    sin_terminar = [p for p in personas if p.registrada is None and p.abandono is None]
    en_sala = sum(p.admitida is None for p in sin_terminar)
    quinientos = Counter()
    for tipo, estados in oleada.estados.items():
        errores = sum(n for estado, n in estados.items() if estado >= 500)
        if tipo == CREAR:
            errores -= oleada.ocupados
        if errores:
            quinientos[tipo] = errores
    otras = Counter(p.abandono for p in personas if p.abandono and p.abandono[:3].isdigit())
    del_generador = Counter(
        p.abandono for p in personas if p.abandono and p.abandono.startswith("error del")
    )
    orden = inversiones(personas)
    estimacion = estimaciones(personas)
    ultima = max((p.registrada for p in registradas), default=0.0)
    por_segundo = len(registradas) / ultima if ultima else 0.0
    llegada = f"{corrida['tasa']:.1f}/s × {DURACION_OLEADA:g} s (Poisson)"
    filas = {
        "hasher solo antes de la oleada (hashes/s, todos los núcleos)": f"{h:.2f}",
        "tasa de admisión de la sala (antes / al final), personas/s": (
            f"{corrida['admision'][0]:.2f} / {corrida['admision'][1]:.2f}"
        ),
        "llegadas planeadas (H: el hasher solo de la 1.ª corrida)": (
            f"{corrida['multiplo']:g} × {corrida['referencia']:.2f} = {llegada}"
        ),
        "personas llegadas": f"{len(personas):,}",
        "vieron la sala de espera": f"{len(esperaron):,}",
        "admitidas (vieron el paso 1)": f"{len(admitidas):,}",
        "cuentas creadas (302 de Crear usuario)": (
            f"{sum(p.creada is not None for p in personas):,}"
        ),
        "registradas (vieron «usuario creado»)": f"**{len(registradas):,}**",
        "sin terminar al final (en la sala / ya admitidas)": (
            f"{len(sin_terminar):,} ({en_sala:,} / {len(sin_terminar) - en_sala:,})"
        ),
        "timeouts (10 s; la persona se va)": _contados(oleada.timeouts),
        "conexión rechazada o cortada, o respuesta no HTTP": _contados(oleada.sin_conexion),
        "respuestas 5xx (sin los 503 ocupado)": _contados(quinientos),
        "503 ocupado en Crear usuario (reintentos)": f"{oleada.ocupados:,}",
        "otras respuestas que detienen a la persona": _contados(otras),
        "errores del generador de carga": _contados(del_generador),
        "registros/s (de la 1.ª llegada al último registro)": (
            f"{por_segundo:.2f} = {por_segundo / h:.0%} del hasher solo"
            if h
            else f"{por_segundo:.2f}"
        ),
        "espera en la sala, s p50 / p99 / máx": _tres(
            [p.admitida - p.primera_espera for p in esperaron if p.admitida is not None],
            decimales=1,
        ),
        "de la llegada al usuario creado, s p50 / p99 / máx": _tres(
            [p.registrada - p.llegada for p in registradas], decimales=1
        ),
        "orden: pares contiguos invertidos": _parte(orden["contiguas"], orden["pares"])
        + ("" if orden["por_turno"] or not orden["pares"] else ", por llegada"),
        "orden: rebasadas por la sala": _parte(orden["rebasadas"], orden["personas"]),
        "orden: adelanto máximo sobre un turno anterior, s": f"{orden['adelanto']:.1f}",
        "estimación: espera medida ÷ 1.ª mostrada dentro de ±25 %": (
            f"{estimacion['dentro']:.0%} de {estimacion['n'] - estimacion['cero']:,}"
            + (f" ({estimacion['cero']:,} con 0 s mostrado)" if estimacion["cero"] else "")
            if "dentro" in estimacion
            else "—"
        ),
        "estimación: mediana medida ÷ mostrada (p10–p90)": (
            f"{estimacion['mediana']:.2f} ({estimacion['p10']:.2f}–{estimacion['p90']:.2f})"
            if "dentro" in estimacion
            else "—"
        ),
        "memoria residente máx. por worker, MiB": ", ".join(
            f"{m:.0f}" for m in corrida["memoria"].values()
        )
        + (
            f" ({len(corrida['memoria'])} workers: alguno se reinició)"
            if len(corrida["memoria"]) > corrida["workers"]
            else ""
        ),
        "generador de carga: CPU s (% de un núcleo); retraso máx. de llegada": (
            f"{oleada.cpu:.1f} ({oleada.cpu / oleada.fin:.0%}); "
            f"{max((p.retraso for p in personas), default=0.0):.2f} s"
            if oleada.fin
            else "—"
        ),
        "duración: llegadas + vaciado, s": f"{oleada.fin_llegadas:.0f} + "
        f"{oleada.fin - oleada.fin_llegadas:.0f}",
    }
    return latencias, filas


def tabla(columnas: list[str], filas: list[dict[str, str]], titulo: str) -> str:
    lineas = [
        f"| {titulo} | " + " | ".join(columnas) + " |",
        "|---|" + "---:|" * len(columnas),
    ]
    for nombre in dict.fromkeys(nombre for f in filas for nombre in f):
        lineas.append(f"| {nombre} | " + " | ".join(f.get(nombre, "—") for f in filas) + " |")
    return "\n".join(lineas)


def imprimir(corridas: list[dict], inicio: datetime.datetime):
    variables = " ".join(
        f"{nombre}={shlex.quote(os.environ[nombre])}"
        for nombre in ("DURACION_OLEADA", "DRENAJE_MAXIMO", "CORRIDAS", "N_REGISTRO", "SEMILLA")
        if nombre in os.environ
    )
    print(f"\nComando: `{variables + ' ' if variables else ''}make bench-oleada`")
    print(
        f"Fecha: {inicio:%Y-%m-%d %H:%M}; máquina: {os.uname().nodename}, "
        f"{os.cpu_count()} núcleos; gunicorn con gunicorn.conf.py ({corridas[0]['workers']} "
        f"workers sync) y el enviador de correo; {N_REGISTRO:,} derechohabientes, una base "
        f"nueva por corrida; llegadas Poisson durante {DURACION_OLEADA:g} s, luego hasta "
        f"{DRENAJE_MAXIMO:g} s para terminar; paciencia de {PACIENCIA:g} s por petición.\n"
    )
    columnas = [f"sala {c['modo']}, {c['multiplo']:g}×H" for c in corridas]
    print(tabla(columnas, [c["latencias"] for c in corridas], "petición"))
    print()
    print(tabla(columnas, [c["filas"] for c in corridas], "oleada"))
    print(f"\nDefiniciones.\n{DEFINICIONES}")


DEFINICIONES = """\
- Latencia: de la petición enviada (con la conexión, si hizo falta abrirla) a la respuesta
  completa. Un GET del paso 1 respondido con la sala cuenta como recarga de la sala.
- Orden: entre las personas que llegaron al paso 1, por su turno (el número que llevan en
  claro las galletas firmadas de la sala; sin sala, por llegada). Par contiguo invertido: el
  turno posterior vio el formulario del paso 1 antes, por cualquier margen (la recarga sola
  produce algunos: cada quien lo ve en su primera recarga tras ser admitido). Rebasada: la
  sala le respondió «espere» a una recarga enviada cuando alguien de turno posterior ya había
  recibido el paso 1, lo que la recarga no explica. Adelanto: lo más que alguien vio el paso 1
  antes que alguien de turno anterior.
- Estimación: para quien vio la sala y llegó al paso 1, la espera medida (de la primera
  página de la sala recibida al formulario del paso 1 recibido) ÷ la primera mostrada
  (data-espera); dentro de ±25 %: entre 0.75 y 1.25.
- Sin pausas para escribir: cada persona envía cada formulario en cuanto lo recibe.
- Memoria: el máximo del RSS muestreado cada segundo y del VmHWM de cada worker al final.\
"""


def ejecutar(entorno: dict, *argumentos: str, **opciones):
    return subprocess.run(
        [sys.executable, "manage.py", *argumentos], check=True, cwd=BASE, env=entorno, **opciones
    )


def entorno_de_oleada(carpeta: Path, base_de_datos: str) -> dict:
    """Production settings, and hashing slots of this server's own (no other process of the
    machine, a test run, takes them)."""
    return {
        **entorno_de_produccion(carpeta, base_de_datos),
        "HASHES_CARPETA": str(carpeta / "hashes"),
    }


def sala_de_espera(entorno: dict, modo: str | None = None) -> float:
    """Set the room's mode for every server (the operator's command), or only read it: the
    admission rate the servers work with, people per second."""
    salida = ejecutar(entorno, "sala_de_espera", *([modo] if modo else []), capture_output=True)
    return float(re.search(r"admite ([\d.]+) personas", salida.stdout.decode()).group(1))


def hasher_solo(entorno: dict, gunicorn: subprocess.Popen) -> float:
    """servicio.hasher_solo, leaving this process's environment as it was (it takes the
    server's, and the next run's database is named after the original DATABASE_URL)."""
    antes = dict(os.environ)
    try:
        return servicio.hasher_solo(entorno, gunicorn)
    finally:
        os.environ.clear()
        os.environ.update(antes)


def avisar(etiqueta: str):
    def aviso(oleada: Oleada):
        cuentas = ", ".join(f"{n:,} {nombre}" for nombre, n in oleada.en_curso().items())
        print(f"  {etiqueta} {oleada.ahora():4.0f} s: {cuentas}", file=sys.stderr, flush=True)

    return aviso


def corrida(
    modo: str,
    multiplo: float,
    numero: int,
    carpeta: Path,
    registro: Path,
    curps: list[str],
    referencia: float | None = None,
) -> dict:
    """One run: a new database with the registry, the server and the e-mail sender, the room
    set to ``modo``, the hasher alone measured, and the surge at ``multiplo`` × H. H is
    ``referencia``, the first run's: the machine drifts, and runs at the same multiple are
    compared at the same arrival rate."""
    etiqueta = f"{modo}-{multiplo:g}x"
    print(f"Corrida {numero + 1}: sala {modo}, {multiplo:g}×H…", file=sys.stderr, flush=True)
    entorno = entorno_de_oleada(carpeta, base_de_datos_propia("oleada"))
    ejecutar(entorno, "migrate", "-v0")
    ejecutar(entorno, "importar_derechohabientes", str(registro), stdout=subprocess.DEVNULL)
    gunicorn = servicio.iniciar_gunicorn(entorno, PUERTO)
    procesos = [gunicorn, servicio.iniciar_enviador(entorno)]
    captchas = psycopg2.connect(entorno["DATABASE_URL"])
    captchas.autocommit = True
    try:
        sala_de_espera(entorno, modo)
        hashes = hasher_solo(entorno, gunicorn)
        admision_antes = sala_de_espera(entorno)
        referencia = referencia or hashes
        tasa = multiplo * referencia
        print(f"  hasher solo: {hashes:.2f}/s; llegadas a {tasa:.1f}/s", file=sys.stderr)
        instantes = llegadas(tasa, DURACION_OLEADA, random.Random(SEMILLA + numero))
        servicio.en_reposo(gunicorn)

        def respuesta_captcha(clave: str) -> str | None:
            with captchas.cursor() as cursor:
                cursor.execute(
                    "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [clave]
                )
                fila = cursor.fetchone()
            return fila and fila[0]

        memoria: dict[int, float] = {}

        async def medir() -> Oleada:
            vigilancia = asyncio.create_task(vigilar_memoria(gunicorn, memoria))
            oleada = Oleada(PUERTO, respuesta_captcha, etiqueta=f"oleada{numero}")
            try:
                return await lanzar(oleada, instantes, curps, avisar(etiqueta))
            finally:
                vigilancia.cancel()

        oleada = asyncio.run(medir())
        admision_despues = sala_de_espera(entorno)
        pico_de_memoria(gunicorn, memoria)
        workers = len(psutil.Process(gunicorn.pid).children())
    finally:
        captchas.close()
        for proceso in procesos:
            proceso.terminate()
            proceso.wait(timeout=30)
    datos = {
        "modo": modo,
        "multiplo": multiplo,
        "hashes": hashes,
        "referencia": referencia,
        "tasa": tasa,
        "memoria": memoria,
        "workers": workers,
        "admision": (admision_antes, admision_despues),
    }
    datos["latencias"], datos["filas"] = resumen(oleada, datos)
    return datos


def costo_de_la_recarga(carpeta: Path) -> list[tuple[str, dict]]:
    """A reload of the waiting page against the bare Django "hello" view, both under wrk on
    the same gunicorn, measured hello, page, hello: what a person in line costs the server
    each time their page reloads itself."""
    entorno = entorno_de_oleada(carpeta, base_de_datos_propia("oleada"))
    ejecutar(entorno, "migrate", "-v0")
    servidor = servicio.iniciar_gunicorn(entorno, PUERTO)
    hola = servicio.iniciar_gunicorn(
        entorno, PUERTO + 1, DJANGO_SETTINGS_MODULE="bench.hola_settings"
    )
    try:
        ejecutar(entorno, "sala_de_espera", "siempre", "--tasa", "0", stdout=subprocess.DEVNULL)
        time.sleep(1.1)  # every worker reads the switch within a second
        with urllib.request.urlopen(f"http://127.0.0.1:{PUERTO}{PASO_1_URL}") as respuesta:  # noqa: S310
            galleta = respuesta.headers["Set-Cookie"].split(";", 1)[0]
        url_hola = f"http://127.0.0.1:{PUERTO + 1}/"
        guion = servicio.lua_get([PASO_1_URL], galleta)
        medidas = [("hello", servicio.wrk(url_hola))]
        medidas.append(
            ("recarga", servicio.wrk(f"http://127.0.0.1:{PUERTO}", guion, carpeta=carpeta))
        )
        medidas.append(("hello", servicio.wrk(url_hola)))
        return medidas
    finally:
        for proceso in (servidor, hola):
            proceso.terminate()
            proceso.wait(timeout=30)


def imprimir_recarga(medidas: list[tuple[str, dict]]):
    (_, antes), (_, recarga), (_, despues) = medidas
    hola = (antes["rps"] + despues["rps"]) / 2
    print(
        f"\nUna recarga de la página de espera frente a la vista «hello» (wrk, "
        f"{servicio.CONEXIONES} conexiones, {servicio.DURACION} s cada una, hello antes y "
        "después):\n"
    )
    print("| | peticiones/s | p50 ms | p99 ms | errores |\n|---|---:|---:|---:|---:|")
    for nombre, m in medidas:
        print(f"| {nombre} | {m['rps']:,.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {m['errores']} |")
    print(f"\nRecarga ÷ hello (media de los dos): **{recarga['rps'] / hola:.2f}**")


def leer_corridas(texto: str) -> list[tuple[str, float]]:
    corridas = []
    for parte in texto.split(","):
        modo, _, multiplo = parte.strip().partition(":")
        if modo not in {"automatica", "siempre", "apagada"} or not multiplo:
            raise SystemExit(f"CORRIDAS: «{parte}» no es modo:múltiplo (p. ej. automatica:3)")
        corridas.append((modo, float(multiplo)))
    return corridas


def main():
    planes = leer_corridas(CORRIDAS)
    inicio = datetime.datetime.now().astimezone()
    # Thousands of people in line at once: a socket each while a request is in flight.
    _, maximo = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (maximo, maximo))
    carpeta = Path(tempfile.mkdtemp(prefix="bench-oleada-"))
    registro = carpeta / "registro.csv"
    print(f"Preparando {N_REGISTRO:,} derechohabientes…", file=sys.stderr, flush=True)
    sin_base = entorno_de_oleada(carpeta, os.environ["DATABASE_URL"])  # not used by these two
    ejecutar(
        sin_base,
        "generar_derechohabientes",
        str(N_REGISTRO),
        "--salida",
        str(registro),
        stderr=subprocess.DEVNULL,
    )
    ejecutar(sin_base, "collectstatic", "--noinput", "-v0")
    curps = [linea.split(",", 1)[0] for linea in registro.read_text().splitlines()[1:]]
    corridas = []
    try:
        print("Costo de una recarga de la sala…", file=sys.stderr, flush=True)
        recarga = costo_de_la_recarga(carpeta)
        for numero, (modo, multiplo) in enumerate(planes):
            referencia = corridas[0]["referencia"] if corridas else None
            corridas.append(corrida(modo, multiplo, numero, carpeta, registro, curps, referencia))
    finally:
        shutil.rmtree(carpeta, ignore_errors=True)
    imprimir(corridas, inicio)
    imprimir_recarga(recarga)


if __name__ == "__main__":
    main()
