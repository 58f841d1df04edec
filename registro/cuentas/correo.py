"""E-mail to derechohabientes: each message in Spanish (or the language the person used), as
text and HTML, from templates/correo/<plantilla>.{asunto.txt,txt,html}.

A request only queues the message (``enviar``: one row of CorreoPorEnviar); the sender
(``enviar_pendientes``, run by ``manage.py enviar_correos``) composes it and hands it to the
mail server. A registration surge then costs the web workers one INSERT per message, a slow
or absent relay holds no worker, and a refused message is tried again later.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import CorreoPorEnviar

logger = logging.getLogger(__name__)

# A refused message is tried again after 1, 2, 4 … minutes, at most an hour apart; after
# INTENTOS attempts (about eight hours) it is dropped and logged: its links have mostly
# expired by then, and the person can ask for a new one.
INTENTOS = 12
ESPERA_MAXIMA = datetime.timedelta(hours=1)
# How long a sender holds the messages it took: more than a batch can take (50 messages,
# each at most EMAIL_TIMEOUT, 10 s).
RESERVA = datetime.timedelta(minutes=15)


def enviar(plantilla: str, destinatario: str, contexto: dict) -> None:
    """Queue one message; ``contexto`` must be JSON (strings and numbers)."""
    CorreoPorEnviar.objects.create(
        plantilla=plantilla,
        destinatario=destinatario,
        contexto=contexto,
        idioma=translation.get_language() or settings.LANGUAGE_CODE,
    )


def enmascarar(direccion: str) -> str:
    """ "a***@correo.example": enough for the owner to recognise an address, not to write to it."""
    local, _, dominio = direccion.partition("@")
    return f"{local[:1]}***@{dominio}"


def componer(pendiente: CorreoPorEnviar, conexion) -> EmailMultiAlternatives:
    nombre, contexto = f"correo/{pendiente.plantilla}", pendiente.contexto
    with translation.override(pendiente.idioma):
        mensaje = EmailMultiAlternatives(
            subject=" ".join(render_to_string(f"{nombre}.asunto.txt", contexto).split()),
            body=render_to_string(f"{nombre}.txt", contexto),
            to=[pendiente.destinatario],
            connection=conexion,
        )
        mensaje.attach_alternative(render_to_string(f"{nombre}.html", contexto), "text/html")
    return mensaje


def enviar_pendientes(lote: int = 50) -> int:
    """Send up to ``lote`` queued messages that are due; returns how many were tried.

    A message is deleted once the mail server accepted it; one refused, or one that could
    not be composed, waits for its next attempt.
    """
    pendientes = reservar(lote)
    if not pendientes:
        return 0
    conexion = get_connection()
    try:
        conexion.open()
    except OSError as error:  # the mail server is unreachable: every message waits
        for pendiente in pendientes:
            _otra_vez_mas_tarde(pendiente, error)
        return len(pendientes)
    enviados = []
    try:
        for pendiente in pendientes:
            try:
                componer(pendiente, conexion).send()
            except Exception as error:  # one bad message must not stop the rest
                _otra_vez_mas_tarde(pendiente, error)
            else:
                enviados.append(pendiente.pk)
    finally:
        conexion.close()
    CorreoPorEnviar.objects.filter(pk__in=enviados).delete()
    return len(pendientes)


def reservar(lote: int) -> list[CorreoPorEnviar]:
    """Take due messages for RESERVA in one committed statement. SKIP LOCKED: senders on
    one machine or many never take the same message; and no transaction stays open while
    the mail server answers (a long one would hold back VACUUM on every table). A sender
    that stops midway leaves its messages to the others once RESERVA has passed."""
    ahora = timezone.now()  # the clock that set siguiente_intento
    return list(
        CorreoPorEnviar.objects.raw(
            """
            UPDATE registro_correoporenviar SET siguiente_intento = %s
            WHERE id IN (
                SELECT id FROM registro_correoporenviar WHERE siguiente_intento <= %s
                ORDER BY siguiente_intento LIMIT %s FOR UPDATE SKIP LOCKED
            )
            RETURNING *
            """,
            [ahora + RESERVA, ahora, lote],
        )
    )


def _otra_vez_mas_tarde(pendiente: CorreoPorEnviar, error: Exception) -> None:
    pendiente.intentos += 1
    # The class of the error only: a server's reply can quote the address.
    motivo = type(error).__name__
    if pendiente.intentos >= INTENTOS:
        logger.error(
            "Correo %s (%s) descartado tras %d intentos: %s",
            pendiente.pk,
            pendiente.plantilla,
            pendiente.intentos,
            motivo,
        )
        pendiente.delete()
        return
    logger.warning("Correo %s (%s) no enviado: %s", pendiente.pk, pendiente.plantilla, motivo)
    espera = min(datetime.timedelta(minutes=2 ** (pendiente.intentos - 1)), ESPERA_MAXIMA)
    pendiente.siguiente_intento = timezone.now() + espera
    pendiente.ultimo_error = motivo
    pendiente.save(update_fields=["intentos", "siguiente_intento", "ultimo_error"])
