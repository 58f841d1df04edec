"""The bounded password hasher (registro/hashes.py): never more hashes at once than slots,
slot 0 kept for new passwords, and "try again in N seconds" instead of a timeout."""

import fcntl
import os
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth.hashers import check_password, get_hasher, make_password

from registro import hashes
from registro.models import Usuario

from .conftest import CONTRASENA, PASO_2, error_de_ingreso, ingresar

pytestmark = pytest.mark.django_db


@pytest.fixture
def dos_ranuras(settings, tmp_path):
    settings.HASHES_SIMULTANEOS = 2
    settings.HASHES_CARPETA = str(tmp_path)
    settings.HASH_ESPERA_MAXIMA = 0.3
    return tmp_path


@contextmanager
def ocupadas(carpeta, *numeros):
    """Slots held by someone else (another process of the machine, hashing)."""
    descriptores = []
    for numero in numeros:
        descriptor = os.open(carpeta / f"ranura-{numero}", os.O_RDWR | os.O_CREAT)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        descriptores.append(descriptor)
    try:
        yield
    finally:
        for descriptor in descriptores:
            os.close(descriptor)


def test_nunca_mas_hashes_a_la_vez_que_ranuras(dos_ranuras, settings):
    settings.HASH_ESPERA_MAXIMA = 10
    dentro, maximo, candado = 0, 0, threading.Lock()

    def hashear():
        nonlocal dentro, maximo
        with hashes.ranura(para_contrasena_nueva=True):
            with candado:
                dentro += 1
                maximo = max(maximo, dentro)
            time.sleep(0.05)
            with candado:
                dentro -= 1

    hilos = [threading.Thread(target=hashear) for _ in range(8)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()

    assert maximo == 2


def test_sin_ranura_libre_a_tiempo_pide_reintentar_sin_esperar_de_mas(dos_ranuras, settings):
    settings.HASH_REINTENTAR_EN = 7
    with ocupadas(dos_ranuras, 0, 1):
        inicio = time.monotonic()
        with pytest.raises(hashes.ServidorOcupado) as ocupado:
            make_password(CONTRASENA)
        assert 0.3 <= time.monotonic() - inicio < 1.5
    assert ocupado.value.espera == 7
    assert check_password(CONTRASENA, make_password(CONTRASENA))  # free again


def test_los_ingresos_no_quitan_la_ranura_de_quien_se_registra(dos_ranuras):
    guardada = make_password(CONTRASENA)
    with ocupadas(dos_ranuras, 1):  # a login hashing in the other slot
        with pytest.raises(hashes.ServidorOcupado):
            check_password(CONTRASENA, guardada)  # another login waits…
        assert make_password(CONTRASENA)  # …a new password still has slot 0


def test_es_el_argon2_de_django_y_verifica_los_hashes_de_antes():
    hasher = get_hasher()
    assert isinstance(hasher, hashes.Argon2Limitado)
    assert hasher.algorithm == "argon2"
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (2, 102400, 8)
    anterior = "argon2$argon2id$v=19$m=102400,t=2,p=8$" + make_password("x").split("$", 4)[4]
    assert check_password("x", anterior)


def test_cada_hash_se_mide_para_la_sala_de_espera(dos_ranuras):
    hashes.tomar_medidas()
    make_password(CONTRASENA)
    make_password(CONTRASENA)
    cuantos, cpu = hashes.tomar_medidas()
    assert cuantos == 2
    assert 0.01 < cpu / cuantos < 5  # CPU seconds of each, all its threads included
    assert hashes.tomar_medidas() == (0, 0.0)


def test_crear_usuario_sin_ranura_devuelve_el_formulario_con_lo_escrito(
    dos_ranuras, cliente_en_paso_2, datos_registro
):
    datos = datos_registro(username="ana.ocupada", email="ana.ocupada@correo.example")
    with ocupadas(dos_ranuras, 0, 1):
        respuesta = cliente_en_paso_2.post(PASO_2, datos)

    assert respuesta.status_code == 503
    assert respuesta["Retry-After"] == "5"
    pagina = respuesta.content.decode()
    assert "Intente de nuevo en 5 segundos" in pagina
    assert 'value="ana.ocupada"' in pagina and 'value="ana.ocupada@correo.example"' in pagina
    assert CONTRASENA not in pagina
    assert not Usuario.objects.filter(username="ana.ocupada").exists()
    # Once a slot is free, the same person finishes.
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(username="ana.ocupada"))
    assert respuesta.status_code == 302


def test_ingresar_sin_ranura_dice_cuando_reintentar(dos_ranuras, client, cuenta):
    with ocupadas(dos_ranuras, 1):
        respuesta = ingresar(client, "pedro.prueba")

    assert respuesta.status_code == 503
    assert respuesta["Retry-After"] == "5"
    assert "Servicio ocupado" in respuesta.content.decode()
    assert "_auth_user_id" not in client.session
    respuesta = ingresar(client, "pedro.prueba")
    assert respuesta.status_code == 302, error_de_ingreso(respuesta)
