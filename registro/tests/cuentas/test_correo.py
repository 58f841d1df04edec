"""The mail queue (registro/cuentas/correo.py): pages queue messages, the sender
(manage.py enviar_correos) sends them; in development it writes them to files."""

import datetime
import re
import socket
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from registro.cuentas import correo
from registro.models import CorreoPorEnviar, Usuario

from ..conftest import CONTRASENA

pytestmark = pytest.mark.django_db


def enviar_cola():
    call_command("enviar_correos", "--una-vez")


@pytest.fixture
def servidor_cerrado(settings):
    """A real SMTP backend pointed at a port where nothing listens: the relay is down."""
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        puerto = libre.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", puerto, 2
    return settings


def test_crear_usuario_deja_el_correo_en_cola_y_el_envio_lo_manda(
    cliente_en_paso_2, datos_registro, mailoutbox
):
    respuesta = cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    assert respuesta.status_code == 302
    assert mailoutbox == []  # the request only queued it
    (pendiente,) = CorreoPorEnviar.objects.all()
    assert pendiente.destinatario == "ana.ejemplo@correo.example"

    enviar_cola()

    (mensaje,) = mailoutbox
    assert mensaje.to == ["ana.ejemplo@correo.example"]
    assert mensaje.subject == "Confirme su correo de la Oficina Virtual"
    assert "«ana.ejemplo»" in mensaje.body and "/oficina-virtual/confirmar/" in mensaje.body
    assert not CorreoPorEnviar.objects.exists()  # the link does not stay in the database
    enviar_cola()
    assert len(mailoutbox) == 1  # sent once


def test_el_correo_sale_en_el_idioma_de_quien_lo_pidio(client, crear_derechohabiente, mailoutbox):
    cuenta = Usuario.objects.create_user("ana.ejemplo", "ana@correo.example", CONTRASENA)
    cuenta.derechohabiente = crear_derechohabiente()
    cuenta.save()
    with translation.override("en"):
        en_ingles = reverse("cuentas:recuperar_contrasena")  # /en/…
    client.post(en_ingles, {"email": "ana@correo.example"})
    enviar_cola()  # the sender's own language is Spanish
    (mensaje,) = mailoutbox
    assert "password" in mensaje.subject.lower() and "contraseña" not in mensaje.subject


def test_si_el_servidor_de_correo_no_responde_el_mensaje_espera_y_sale_despues(
    cliente_en_paso_2, datos_registro, servidor_cerrado, mailoutbox
):
    respuesta = cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    assert respuesta.url == reverse("registro:creado")  # the person is not held up

    enviar_cola()
    pendiente = CorreoPorEnviar.objects.get()
    assert pendiente.intentos == 1
    assert pendiente.ultimo_error == "ConnectionRefusedError"
    espera = pendiente.siguiente_intento - timezone.now()
    assert datetime.timedelta(seconds=50) < espera <= datetime.timedelta(minutes=1)

    servidor_cerrado.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    enviar_cola()
    assert mailoutbox == []  # not before its time
    CorreoPorEnviar.objects.update(siguiente_intento=timezone.now())
    enviar_cola()
    assert [m.to for m in mailoutbox] == [["ana.ejemplo@correo.example"]]
    assert not CorreoPorEnviar.objects.exists()


def test_tras_doce_intentos_el_mensaje_se_descarta_y_queda_en_el_registro(servidor_cerrado, caplog):
    correo.enviar("recordar_usuario", "ana@correo.example", {"usuario": "ana", "url_ingresar": "/"})
    esperas = []
    for _ in range(correo.INTENTOS):
        CorreoPorEnviar.objects.update(siguiente_intento=timezone.now())
        enviar_cola()
        pendiente = CorreoPorEnviar.objects.first()
        if pendiente:
            esperas.append(round((pendiente.siguiente_intento - timezone.now()).total_seconds()))
    assert not CorreoPorEnviar.objects.exists()
    assert [round(s / 60) for s in esperas] == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]
    assert "descartado tras 12 intentos" in caplog.text
    assert "ana@correo.example" not in caplog.text


def test_un_mensaje_que_no_se_puede_componer_no_detiene_a_los_demas(mailoutbox):
    correo.enviar("no_existe", "uno@correo.example", {})
    correo.enviar("recordar_usuario", "dos@correo.example", {"usuario": "dos", "url_ingresar": "/"})
    enviar_cola()
    assert [m.to for m in mailoutbox] == [["dos@correo.example"]]
    assert CorreoPorEnviar.objects.get().ultimo_error == "TemplateDoesNotExist"


@pytest.mark.django_db(transaction=True)
def test_dos_envios_a_la_vez_no_mandan_dos_veces_el_mismo_mensaje(mailoutbox):
    for n in range(60):
        correo.enviar(
            "recordar_usuario", f"{n}@correo.example", {"usuario": f"u{n}", "url_ingresar": "/"}
        )
    salida = threading.Barrier(2)

    def enviador():
        salida.wait()
        try:
            while correo.enviar_pendientes(lote=5):
                pass
        finally:
            connection.close()

    hilos = [threading.Thread(target=enviador) for _ in range(2)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join()
    destinatarios = sorted(m.to[0] for m in mailoutbox)
    assert destinatarios == sorted(f"{n}@correo.example" for n in range(60))


def test_lo_que_tomo_un_enviador_que_se_detuvo_sale_con_otro_despues(mailoutbox):
    correo.enviar("recordar_usuario", "ana@correo.example", {"usuario": "ana", "url_ingresar": "/"})
    (tomado,) = correo.reservar(50)  # a sender took it and stopped before sending
    enviar_cola()
    assert mailoutbox == []  # meanwhile no other sender sends it a second time
    reserva = tomado.siguiente_intento - timezone.now()
    assert datetime.timedelta(minutes=14) < reserva <= correo.RESERVA
    CorreoPorEnviar.objects.update(siguiente_intento=timezone.now())  # 15 minutes later
    enviar_cola()
    assert [m.to for m in mailoutbox] == [["ana@correo.example"]]


def test_el_correo_de_desarrollo_se_escribe_en_archivos(
    cliente_en_paso_2, datos_registro, settings, tmp_path, client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    assert list(tmp_path.iterdir()) == []  # queued: the sender writes it
    call_command("enviar_correos", "--una-vez")
    (archivo,) = tmp_path.iterdir()
    texto = archivo.read_text()
    assert "Subject: Confirme su correo de la Oficina Virtual" in texto
    ruta = re.search(r"http://testserver(/oficina-virtual/confirmar/\S+/)", texto).group(1)
    assert client.get(ruta).status_code == 200
    assert Usuario.objects.get().correo_confirmado
