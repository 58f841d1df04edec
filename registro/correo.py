"""E-mail to derechohabientes: each message in Spanish (or the active language), as text
and HTML, from templates/correo/<nombre>.{asunto.txt,txt,html}."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def enviar(nombre: str, destinatario: str, contexto: dict) -> bool:
    """Send one message; False (and a log line without the address) if the server refused."""
    asunto = " ".join(render_to_string(f"correo/{nombre}.asunto.txt", contexto).split())
    mensaje = EmailMultiAlternatives(
        subject=asunto,
        body=render_to_string(f"correo/{nombre}.txt", contexto),
        to=[destinatario],
    )
    mensaje.attach_alternative(render_to_string(f"correo/{nombre}.html", contexto), "text/html")
    try:
        mensaje.send()
    except OSError:
        logger.exception("No se pudo enviar el correo %s", nombre)
        return False
    return True
