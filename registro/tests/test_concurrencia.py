"""Registration under real concurrency: 20 threads, each with its own test client and hence
its own PostgreSQL connection, released at the same instant by a barrier.

The tests are transactional (``transaction=True``): every request commits, so each thread
sees what the others committed, as separate app processes would. Each thread closes its own
connection when it ends, or the test database could not be flushed and dropped.

The test clients do not raise a view's exception here (``raise_request_exception=False``):
Django's test client listens for exceptions through a process-wide signal, so with 20 clients
at once one request's exception could be raised in another thread. A 500 is counted as the
status code of the response that had it.
"""

import re
import threading
import traceback
from collections import Counter
from collections.abc import Callable

import pytest
from captcha.models import CaptchaStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registro import flows
from registro.cuentas.flows import RegistroDuplicado
from registro.forms import RegistroUsuarioForm
from registro.mensajes import CURP_CON_CUENTA
from registro.models import Derechohabiente, Intento, Usuario

from .conftest import CONTRASENA, respuesta_captcha

pytestmark = pytest.mark.django_db(transaction=True)

HILOS = 20
PASO_1 = reverse("registro:curp")
PASO_2 = reverse("registro:usuario")
CREADO = reverse("registro:creado")


@pytest.fixture(autouse=True)
def sin_prisa_por_hashear(settings):
    """Twenty passwords at once queue for the machine's hashing slots (registro/hashes.py);
    here each waits its turn, so that what is tested is the race on the constraints, not the
    "try again" page (test_hashes.py)."""
    settings.HASH_ESPERA_MAXIMA = 60


def en_paralelo(tareas: list[Callable]) -> list:
    """Run each task in its own thread, all released together; each one's result or exception.

    Every thread connects to the database before the barrier (so that the race is between
    the requests' queries, not between connection set-ups) and closes its connection after.
    """
    barrera = threading.Barrier(len(tareas))
    resultados: list = [None] * len(tareas)

    def hilo(i: int, tarea: Callable) -> None:
        try:
            connection.ensure_connection()
            barrera.wait(timeout=30)
            resultados[i] = tarea()
        except Exception as error:  # counted and shown by the test
            barrera.abort()
            resultados[i] = error
        finally:
            connection.close()

    hilos = [threading.Thread(target=hilo, args=(i, t)) for i, t in enumerate(tareas)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(timeout=120)
    assert not any(h.is_alive() for h in hilos), "un hilo no terminó"
    return resultados


def sin_excepciones(resultados: list) -> None:
    errores = [r for r in resultados if isinstance(r, BaseException)]
    assert not errores, "".join(traceback.format_exception(errores[0]))


def describir(respuestas: list) -> str:
    """What each response was, for an assertion's message; with the traceback of any 5xx."""
    partes = []
    for i, r in enumerate(respuestas):
        linea = f"#{i}: {r.status_code} {r.get('Location', '')}"
        if r.status_code >= 500 and getattr(r, "exc_info", None):
            linea += "\n" + "".join(traceback.format_exception(*r.exc_info))
        partes.append(linea)
    return "\n".join(partes)


def error_del_campo(html: str, campo: str) -> str:
    """The text of the error shown beside a field (templates/includes/campo.html)."""
    encontrado = re.search(rf'id="id_{campo}_error">(.*?)</div>', html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", encontrado.group(1)) if encontrado else ""


def variantes_de_mayusculas(texto: str, cuantas: int) -> list[str]:
    """``cuantas`` different spellings of ``texto`` that differ only in case."""
    letras = [i for i, c in enumerate(texto) if c.isalpha()]
    variantes = []
    for mascara in range(cuantas):
        caracteres = list(texto.lower())
        for bit, posicion in enumerate(letras):
            if mascara >> bit & 1:
                caracteres[posicion] = caracteres[posicion].upper()
        variantes.append("".join(caracteres))
    assert len(set(variantes)) == cuantas
    return variantes


def cliente_en_paso_2(curp: str, direccion: str) -> Client:
    """A browser that found ``curp`` in step 1, done before the race, one after another."""
    cliente = Client(raise_request_exception=False)
    respuesta = cliente.post(PASO_1, {"curp": curp}, REMOTE_ADDR=direccion)
    assert respuesta.status_code == 302, respuesta.status_code
    assert respuesta.url == PASO_2
    return cliente


def datos_paso_2(cliente: Client, direccion: str, username: str, email: str) -> dict:
    """A complete step 2 submission with this client's own captcha answered."""
    pagina = cliente.get(PASO_2, REMOTE_ADDR=direccion).content.decode()
    return {
        "username": username,
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": email,
        **respuesta_captcha(pagina),
    }


def enviar_en_paralelo(envios: list[tuple[Client, str, dict]]) -> list:
    respuestas = en_paralelo(
        [
            lambda c=cliente, d=direccion, datos=datos: c.post(PASO_2, datos, REMOTE_ADDR=d)
            for cliente, direccion, datos in envios
        ]
    )
    sin_excepciones(respuestas)
    return respuestas


def un_ganador(respuestas: list, envios: list) -> tuple[list, dict]:
    """Exactly one 302 to the confirmation page and 200s for all the others, never a 5xx."""
    estados = Counter(r.status_code for r in respuestas)
    assert estados == {302: 1, 200: HILOS - 1}, describir(respuestas)
    ganador = next(i for i, r in enumerate(respuestas) if r.status_code == 302)
    assert respuestas[ganador].url == CREADO
    perdedoras = [r.content.decode() for r in respuestas if r.status_code == 200]
    return perdedoras, envios[ganador][2]


def test_veinte_envios_para_la_misma_curp_crean_una_sola_cuenta(crear_derechohabiente, buzon):
    derechohabiente = crear_derechohabiente()
    envios = []
    for i in range(HILOS):
        direccion = f"10.1.0.{i + 1}"
        cliente = cliente_en_paso_2(derechohabiente.curp, direccion)
        # All 20 browsers look up the same CURP, past its limit of 10 look-ups in 10 minutes:
        # forget each set-up look-up so that the limit does not stop the set-up.
        Intento.objects.all().delete()
        datos = datos_paso_2(cliente, direccion, f"ana.carrera{i}", f"ana{i}@correo.example")
        envios.append((cliente, direccion, datos))

    respuestas = enviar_en_paralelo(envios)

    perdedoras, datos_ganador = un_ganador(respuestas, envios)
    for html in perdedoras:
        assert "ya tiene una cuenta" in html
        assert 'class="resumen-errores"' in html
    cuenta = Usuario.objects.get(derechohabiente=derechohabiente)
    assert cuenta.username == datos_ganador["username"]
    assert cuenta.email == datos_ganador["email"]
    assert Usuario.objects.count() == 1
    assert len(buzon()) == 1  # one confirmation message, to the one account
    assert buzon()[0].to == [datos_ganador["email"]]


def test_veinte_envios_con_el_mismo_usuario_en_otra_capitalizacion(crear_derechohabiente):
    nombres = variantes_de_mayusculas("Ana.Carrera", HILOS)
    envios = []
    for i, nombre in enumerate(nombres):
        direccion = f"10.2.0.{i + 1}"
        cliente = cliente_en_paso_2(crear_derechohabiente().curp, direccion)
        datos = datos_paso_2(cliente, direccion, nombre, f"persona{i}@correo.example")
        envios.append((cliente, direccion, datos))

    respuestas = enviar_en_paralelo(envios)

    perdedoras, datos_ganador = un_ganador(respuestas, envios)
    for html in perdedoras:
        assert "ya está registrado" in error_del_campo(html, "username"), html
    assert Usuario.objects.filter(username__iexact="ana.carrera").count() == 1
    assert Usuario.objects.get().username == datos_ganador["username"]


def test_veinte_envios_con_el_mismo_correo_en_otra_capitalizacion(crear_derechohabiente):
    correos = variantes_de_mayusculas("ana.carrera@correo.example", HILOS)
    envios = []
    for i, correo in enumerate(correos):
        direccion = f"10.3.0.{i + 1}"
        cliente = cliente_en_paso_2(crear_derechohabiente().curp, direccion)
        datos = datos_paso_2(cliente, direccion, f"persona{i}", correo)
        envios.append((cliente, direccion, datos))

    respuestas = enviar_en_paralelo(envios)

    perdedoras, datos_ganador = un_ganador(respuestas, envios)
    for html in perdedoras:
        assert "ya está registrado" in error_del_campo(html, "email"), html
    assert Usuario.objects.filter(email__iexact="ana.carrera@correo.example").count() == 1
    assert Usuario.objects.get().email == datos_ganador["email"]


def test_el_limite_de_busquedas_por_curp_aguanta_veinte_a_la_vez(derechohabiente):
    # The same CURP from twenty addresses at once: its limit of 10 is exact across processes.
    clientes = [Client(raise_request_exception=False) for _ in range(HILOS)]

    respuestas = en_paralelo(
        [
            lambda c=cliente, n=n: c.post(
                PASO_1, {"curp": derechohabiente.curp}, REMOTE_ADDR=f"10.9.9.{n}"
            )
            for n, cliente in enumerate(clientes)
        ]
    )

    sin_excepciones(respuestas)
    estados = Counter(r.status_code for r in respuestas)
    assert estados == {302: 10, 429: 10}, describir(respuestas)
    for r in respuestas:
        if r.status_code == 429:
            assert 1 <= int(r["Retry-After"]) <= 600
            assert "Demasiadas búsquedas" in r.content.decode()
    # Ten look-ups counted for the CURP and one for each of the ten addresses answered.
    assert Intento.objects.count() == 20


def test_crear_cuenta_desde_veinte_hilos_para_el_mismo_derechohabiente(crear_derechohabiente):
    pk = crear_derechohabiente().pk

    def crear(i: int) -> Usuario:
        # Each thread its own instance, as each request would load it.
        derechohabiente = Derechohabiente.objects.get(pk=pk)
        return flows.crear_cuenta(
            derechohabiente=derechohabiente,
            nombre_usuario=f"hilo{i}",
            correo=f"hilo{i}@correo.example",
            contrasena=CONTRASENA,
        )

    resultados = en_paralelo([lambda i=i: crear(i) for i in range(HILOS)])

    creadas = [r for r in resultados if isinstance(r, Usuario)]
    duplicados = [r for r in resultados if isinstance(r, RegistroDuplicado)]
    otros = [r for r in resultados if not isinstance(r, (Usuario, RegistroDuplicado))]
    assert not otros, "".join(traceback.format_exception(otros[0]))
    assert len(creadas) == 1
    assert len(duplicados) == HILOS - 1
    assert {(d.campo, d.mensaje) for d in duplicados} == {(None, CURP_CON_CUENTA)}
    assert Usuario.objects.filter(derechohabiente_id=pk).count() == 1
    assert Usuario.objects.get().username == creadas[0].username


def test_reemplazar_desde_veinte_hilos_la_cuenta_de_la_version_anterior(crear_derechohabiente):
    derechohabiente = crear_derechohabiente()
    anterior = Usuario.objects.create_user(
        "vieja", "vieja@correo.example", "clave vieja", derechohabiente=derechohabiente
    )
    Usuario.objects.filter(pk=anterior.pk).update(de_version_anterior=True)

    def reemplazar(i: int) -> Usuario:
        # Each request saw the account still from the previous version.
        vista = Usuario.objects.get(pk=anterior.pk)
        return flows.crear_cuenta(
            derechohabiente=vista.derechohabiente,
            nombre_usuario=f"hilo{i}",
            correo=f"hilo{i}@correo.example",
            contrasena=CONTRASENA,
        )

    resultados = en_paralelo([lambda i=i: reemplazar(i) for i in range(HILOS)])

    reemplazos = [r for r in resultados if isinstance(r, Usuario)]
    duplicados = [r for r in resultados if isinstance(r, RegistroDuplicado)]
    assert len(reemplazos) == 1 and len(duplicados) == HILOS - 1, resultados
    assert {(d.campo, d.mensaje) for d in duplicados} == {(None, CURP_CON_CUENTA)}
    cuenta = Usuario.objects.get()
    assert (cuenta.pk, cuenta.username) == (anterior.pk, reemplazos[0].username)
    assert not cuenta.de_version_anterior and cuenta.check_password(CONTRASENA)


def test_crear_la_cuenta_es_un_solo_insert_despues_del_hash(crear_derechohabiente):
    # No transaction is open while the password is hashed (100 ms): through a pooler in
    # transaction mode (docs/scaling.md) a connection is held only for the INSERT itself.
    # Loaded with its account (none), as step 2 loads it.
    derechohabiente = Derechohabiente.objects.con_su_cuenta(crear_derechohabiente().curp)
    with CaptureQueriesContext(connection) as consultas:
        flows.crear_cuenta(
            derechohabiente=derechohabiente,
            nombre_usuario="una",
            correo="una@correo.example",
            contrasena=CONTRASENA,
        )
    assert [c["sql"].split()[0] for c in consultas] == ["INSERT"]


def test_un_captcha_resuelto_sirve_una_sola_vez_aunque_llegue_veinte_veces_a_la_vez():
    clave = CaptchaStore.generate_key()
    respuesta = CaptchaStore.objects.get(hashkey=clave).response
    campo = RegistroUsuarioForm.base_fields["captcha"]

    def enviar() -> str:
        try:
            campo.clean([clave, respuesta])
        except ValidationError:
            return "rechazado"
        return "aceptado"

    resultados = Counter(en_paralelo([enviar] * HILOS))
    assert resultados == {"aceptado": 1, "rechazado": HILOS - 1}
