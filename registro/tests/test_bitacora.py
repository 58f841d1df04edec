"""The log (oficina_virtual/bitacora.py): one JSON object a line, the request id on every line
made while answering, one line per request naming the route; never personal data or tokens."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from oficina_virtual.bitacora import FormatoJSON

from .conftest import CONTRASENA, PASO_1, enlace_del_correo
from .test_configuracion import arrancar

pytestmark = pytest.mark.django_db


@pytest.fixture
def bitacora():
    """What production's handler writes while the test runs, one parsed line each."""
    salida = io.StringIO()
    manejador = logging.StreamHandler(salida)
    manejador.setFormatter(FormatoJSON())
    raiz = logging.getLogger()
    nivel, raiz.level = raiz.level, logging.INFO
    raiz.addHandler(manejador)
    yield lambda: [json.loads(linea) for linea in salida.getvalue().splitlines()]
    raiz.removeHandler(manejador)
    raiz.setLevel(nivel)


def lineas_de_peticion(lineas: list[dict]) -> list[dict]:
    return [linea for linea in lineas if linea["registrador"] == "oficina_virtual.peticiones"]


def test_cada_peticion_deja_una_linea_json_con_su_id(client, bitacora):
    respuesta = client.get(PASO_1, HTTP_X_REQUEST_ID="balanceador-7f3a")
    assert respuesta["X-Request-ID"] == "balanceador-7f3a"
    (linea,) = lineas_de_peticion(bitacora())
    assert linea["id_de_peticion"] == "balanceador-7f3a"
    assert (linea["metodo"], linea["ruta"], linea["vista"], linea["estado"]) == (
        "GET",
        "oficina-virtual/registro/",
        "registro:curp",
        200,
    )
    assert linea["duracion_ms"] >= 0 and linea["nivel"] == "INFO"
    assert linea["momento"].endswith("+00:00")


def test_un_id_ajeno_no_entra_a_la_bitacora(client, bitacora):
    respuesta = client.get(PASO_1, HTTP_X_REQUEST_ID='"}\n{"nivel": "ERROR"')
    nuevo = respuesta["X-Request-ID"]
    assert len(nuevo) == 32 and all(c in "0123456789abcdef" for c in nuevo)
    assert [linea["id_de_peticion"] for linea in lineas_de_peticion(bitacora())] == [nuevo]


def test_las_lineas_hechas_al_responder_llevan_el_id_de_la_peticion(client, bitacora, settings):
    settings.LIMITES_DE_BUSQUEDA = {**settings.LIMITES_DE_BUSQUEDA, "fallos_por_direccion": (1, 10)}
    client.post(PASO_1, {"curp": "X1"})
    client.post(PASO_1, {"curp": "X2"}, HTTP_X_REQUEST_ID="segunda")
    (aviso,) = [linea for linea in bitacora() if linea["registrador"] == "registro.limites"]
    assert aviso["nivel"] == "WARNING" and aviso["id_de_peticion"] == "segunda"


def test_ni_datos_personales_ni_enlaces_en_la_bitacora(
    client, cliente_en_paso_2, datos_registro, derechohabiente, buzon, bitacora
):
    datos = datos_registro()
    cliente_en_paso_2.post("/oficina-virtual/registro/usuario/", datos)
    (mensaje,) = buzon()
    enlace = enlace_del_correo(mensaje)
    assert client.get(enlace).status_code == 200  # the confirmation, through its token
    client.post("/oficina-virtual/recuperar/contrasena/", {"email": datos["email"]})
    texto = "\n".join(json.dumps(linea, ensure_ascii=False) for linea in bitacora())
    secretos = [
        derechohabiente.curp,
        derechohabiente.nombre,
        derechohabiente.primer_apellido,
        datos["email"],
        CONTRASENA,
        enlace.strip("/").split("/")[-1],  # the link's token
        "127.0.0.1",
    ]
    assert [s for s in secretos if s in texto] == []
    rutas = {linea["ruta"] for linea in lineas_de_peticion(bitacora())}
    assert "oficina-virtual/confirmar/<str:token>/" in rutas


def test_gunicorn_no_lleva_bitacora_de_acceso_propia(tmp_path):
    # Its lines would carry the path (a link's token) and the client's address. Read in a
    # process of its own: the configuration sets up the metrics' folder in its environment.
    leer = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['accesslog'], c['errorlog'])"
    )
    resultado = subprocess.run(
        [sys.executable, "-c", leer],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metricas")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert resultado.stdout.split() == ["None", "-"]


def test_el_formato_de_la_bitacora_se_elige():
    assert settings.LOG_FORMATO == "texto"  # development (DEBUG=1) reads plain lines
    leer = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.LOG_FORMATO)"
    )
    resultado = arrancar(leer, DEBUG="0", SECRET_KEY="x" * 50)
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == ["json"]  # production's
    malo = arrancar(DEBUG="1", LOG_FORMATO="xml")
    assert malo.returncode != 0 and "LOG_FORMATO: json or texto." in malo.stderr
