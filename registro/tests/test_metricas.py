"""GET /metricas/ (oficina_virtual/metricas.py): Prometheus' text format, closed to the public,
counting what operators watch; added up across gunicorn's workers."""

import datetime
import ipaddress
import re
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from registro.models import CorreoPorEnviar, Usuario
from registro.padron import curp

from .conftest import CONTRASENA, INGRESAR, PASO_1, entorno_de_una_terminal_nueva
from .test_escalamiento import esperar_a_que_responda, puerto_libre

pytestmark = pytest.mark.django_db

FICHA = "ficha-de-prueba-para-prometheus"


def valor(nombre: str, **etiquetas) -> float:
    return REGISTRY.get_sample_value(nombre, etiquetas) or 0


def raspar(client, **extra) -> str:
    respuesta = client.get("/metricas/", HTTP_AUTHORIZATION=f"Bearer {FICHA}", **extra)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("text/plain; version=0.0.4")
    return respuesta.content.decode()


@pytest.fixture
def con_ficha(settings):
    settings.METRICAS_TOKEN = FICHA


def test_sin_ficha_ni_red_permitida_esta_cerrada(client, settings):
    assert client.get("/metricas/").status_code == 403
    settings.METRICAS_TOKEN = FICHA
    assert client.get("/metricas/", HTTP_AUTHORIZATION="Bearer otra").status_code == 403
    assert client.get("/metricas/", HTTP_AUTHORIZATION=f"Bearer {FICHA}").status_code == 200


def test_una_red_permitida_entra_sin_ficha(client, settings):
    settings.METRICAS_REDES = [ipaddress.ip_network("10.20.0.0/16")]
    assert client.get("/metricas/", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metricas/", REMOTE_ADDR="10.21.3.4").status_code == 403


def test_las_busquedas_se_cuentan_por_resultado(client, con_ficha, derechohabiente, settings):
    nombre = "oficina_virtual_busquedas_curp_total"
    antes = {r: valor(nombre, resultado=r) for r in ("encontrada", "no_registrada", "mal_escrita")}
    client.post(PASO_1, {"curp": derechohabiente.curp})
    client.post(PASO_1, {"curp": "X"})
    nadie = curp.construir("Pedro", "Nadie", "Ninguno", datetime.date(1970, 1, 1), "H", "DF", "0")
    client.post(PASO_1, {"curp": nadie})
    despues = {r: valor(nombre, resultado=r) for r in antes}
    assert {r: despues[r] - antes[r] for r in antes} == {
        "encontrada": 1,
        "no_registrada": 1,
        "mal_escrita": 1,
    }
    settings.LIMITES_DE_BUSQUEDA = {**settings.LIMITES_DE_BUSQUEDA, "fallos_por_direccion": (1, 9)}
    captcha = valor(nombre, resultado="con_captcha")
    client.post(PASO_1, {"curp": derechohabiente.curp})
    assert valor(nombre, resultado="con_captcha") == captcha + 1
    limitada = valor(nombre, resultado="limitada")
    for n in range(11):
        Client().post(PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.30.0.{n}")
    assert valor(nombre, resultado="limitada") >= limitada + 1
    assert 'oficina_virtual_busquedas_curp_total{resultado="encontrada"}' in raspar(client)


def test_cuentas_creadas_e_ingresos(client, cliente_en_paso_2, datos_registro):
    cuenta = Usuario.objects.create_user(
        "luis.ingreso", "luis@correo.example", CONTRASENA, correo_confirmado_en=timezone.now()
    )
    creadas = valor("oficina_virtual_cuentas_creadas_total")
    cliente_en_paso_2.post("/oficina-virtual/registro/usuario/", datos_registro())
    assert valor("oficina_virtual_cuentas_creadas_total") == creadas + 1

    ingresos = {r: valor("oficina_virtual_ingresos_total", resultado=r) for r in ("ok", "fallido")}
    client.post(INGRESAR, {"username": cuenta.username, "password": CONTRASENA})
    Client().post(INGRESAR, {"username": cuenta.username, "password": "equivocada"})
    assert valor("oficina_virtual_ingresos_total", resultado="ok") == ingresos["ok"] + 1
    assert valor("oficina_virtual_ingresos_total", resultado="fallido") == ingresos["fallido"] + 1
    bloqueados = valor("oficina_virtual_ingresos_total", resultado="bloqueado")
    for _ in range(6):
        Client().post(
            INGRESAR, {"username": cuenta.username, "password": "x"}, REMOTE_ADDR="10.40.0.1"
        )
    # The fifth failure locks the name out (failed); the sixth is refused (locked).
    assert valor("oficina_virtual_ingresos_total", resultado="bloqueado") == bloqueados + 1


def test_peticiones_por_vista_y_estado_con_su_tiempo(client, con_ficha):
    antes = valor("oficina_virtual_peticiones_total", vista="portal:oficina", estado="200")
    client.get("/oficina-virtual/")
    assert (
        valor("oficina_virtual_peticiones_total", vista="portal:oficina", estado="200") == antes + 1
    )
    client.get("/no-existe/")
    texto = raspar(client)
    assert 'oficina_virtual_peticiones_total{estado="404",vista="sin_ruta"}' in texto
    assert 'oficina_virtual_peticion_segundos_bucket{le="0.1",vista="portal:oficina"}' in texto


def test_la_cola_de_correo_y_los_retos_vigentes_salen_de_la_base(client, con_ficha):
    CorreoPorEnviar.objects.create(
        plantilla="confirmacion", destinatario="a@correo.example", contexto={}, idioma="es-mx"
    )
    client.get(PASO_1)  # nothing drawn yet: step 1 has no captcha
    texto = raspar(client)
    assert re.search(r"^oficina_virtual_correos_en_cola 1\.0$", texto, re.M)
    assert re.search(r"^oficina_virtual_correo_espera_mas_larga_segundos \d", texto, re.M)
    assert re.search(r"^oficina_virtual_retos_captcha_vigentes 0\.0$", texto, re.M)


@pytest.mark.django_db(transaction=True)
def test_con_varios_workers_de_gunicorn_se_suman(estaticos_de_produccion, tmp_path):
    puerto = puerto_libre()
    entorno = {
        **entorno_de_una_terminal_nueva(),
        "DEBUG": "0",
        "SIN_HTTPS": "1",
        "SECRET_KEY": "clave-de-prueba-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "PORT": str(puerto),
        "METRICAS_TOKEN": FICHA,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metricas"),
    }
    entorno.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    servidor = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        env=entorno,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{puerto}"
    try:
        esperar_a_que_responda(base + "/salud/vivo/")
        for _ in range(40):  # a connection each: the two workers take turns as they are free
            with urllib.request.urlopen(base + "/salud/vivo/", timeout=5) as respuesta:  # noqa: S310
                assert respuesta.status == 200
        cabecera = {"Authorization": f"Bearer {FICHA}"}
        pedir = urllib.request.Request(base + "/metricas/", headers=cabecera)  # noqa: S310
        with urllib.request.urlopen(pedir, timeout=5) as respuesta:  # noqa: S310
            texto = respuesta.read().decode()
    finally:
        servidor.terminate()
        servidor.wait(timeout=15)
    (linea,) = [
        linea
        for linea in texto.splitlines()
        if linea.startswith("oficina_virtual_peticiones_total{") and 'vista="salud_vivo"' in linea
    ]
    assert float(linea.split()[-1]) == 41  # the one that saw the server up, and 40 more
