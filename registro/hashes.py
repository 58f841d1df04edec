"""The password hasher, bounded per machine: never more Argon2 hashes at once than cores.

Each Argon2 hash (Django's defaults) takes 100 MiB and, with its 8 lanes, every core for
about 90 ms. Unbounded, a burst of logins or registrations runs one hash per web worker at
once: memory grows with the workers, every hash slows down, and every page waits behind
them. Here a hash first takes one of HASHES_SIMULTANEOS slots, lock files shared by every
process of the machine (a process that dies lets go of its lock); one who finds none free
within HASH_ESPERA_MAXIMA seconds gets ServidorOcupado, which the pages answer with "try
again in N seconds" (503, Retry-After), never with a timeout.

Slot 0 is only for new passwords (registration, change, reset): a burst of logins, which
only verify, can never take every slot from the people registering.

Each hash's CPU time is added up here; the waiting room reads it (tomar_medidas) to admit
people at the rate the machine's cores sustain.
"""

import fcntl
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.http import HttpResponse
from django.shortcuts import render

from oficina_virtual import metricas


class ServidorOcupado(Exception):
    """No hashing slot came free in time: ask the person to try again in ``espera`` s."""

    def __init__(self, espera: int):
        super().__init__(f"sin lugar para calcular la contraseña; reintentar en {espera} s")
        self.espera = espera


_medidas = {"hashes": 0, "cpu": 0.0}


def tomar_medidas() -> tuple[int, float]:
    """The hashes this process made since the last call, and the CPU seconds they took."""
    hashes, cpu = _medidas["hashes"], _medidas["cpu"]
    _medidas.update(hashes=0, cpu=0.0)
    return hashes, cpu


def _ranuras(para_contrasena_nueva: bool) -> list[Path]:
    """The slots to try, in order: a new password tries slot 0 first, then the others;
    a verification only the others (slot 0 too on a one-slot machine)."""
    otras = list(range(1, settings.HASHES_SIMULTANEOS))
    random.shuffle(otras)  # spread the waiting processes over the slots
    numeros = [0, *otras] if para_contrasena_nueva or not otras else otras
    return [Path(settings.HASHES_CARPETA) / f"ranura-{n}" for n in numeros]


@contextmanager
def ranura(para_contrasena_nueva: bool):
    """Hold one hashing slot of this machine for the block, and measure the block's CPU."""
    carpeta = Path(settings.HASHES_CARPETA)
    carpeta.mkdir(mode=0o777, parents=True, exist_ok=True)
    limite = time.monotonic() + settings.HASH_ESPERA_MAXIMA
    archivos = _ranuras(para_contrasena_nueva)
    while True:
        for archivo in archivos:
            descriptor = os.open(archivo, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                inicio = time.process_time()
                yield
                _medidas["hashes"] += 1
                _medidas["cpu"] += time.process_time() - inicio
            finally:
                os.close(descriptor)  # closing lets go of the lock
            return
        if time.monotonic() >= limite:
            raise ServidorOcupado(settings.HASH_REINTENTAR_EN)
        time.sleep(0.005)


class Argon2Limitado(Argon2PasswordHasher):
    """Django's Argon2 (same algorithm name and parameters: existing hashes verify), each
    hash inside one of the machine's slots."""

    def encode(self, password, salt):
        with ranura(para_contrasena_nueva=True):
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with ranura(para_contrasena_nueva=False):
            return super().verify(password, encoded)


def reintentar_despues(respuesta: HttpResponse, error: ServidorOcupado) -> HttpResponse:
    """``respuesta`` as "try again in N seconds": 503 with Retry-After, as a browser and a
    balancer understand it; counted in the metrics."""
    metricas.HASH_OCUPADO.inc()
    respuesta.status_code = 503
    respuesta["Retry-After"] = str(error.espera)
    return respuesta


def ocupado(request, error: ServidorOcupado) -> HttpResponse:
    """The "try again in N seconds" page."""
    return reintentar_despues(render(request, "ocupado.html", {"segundos": error.espera}), error)


class ServidorOcupadoMiddleware:
    """Any page whose password hash found no slot in time (login, password changes) answers
    with ``ocupado``; step 2 catches it first, to keep what the person typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ServidorOcupado):
            return ocupado(request, exception)
        return None
