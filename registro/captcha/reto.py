"""The captcha's challenge: letters and numbers, as the seed's image shows, drawn with
secrets, stored in django-simple-captcha's table and used up in one statement each."""

import datetime
import re
import secrets

from captcha.conf import settings
from django.db import connection
from django.utils import timezone

from ..transacciones import sin_esperar_al_disco

# No 0/O, 1/I/L or 5/S: characters a person cannot tell apart in a distorted image.
ALFABETO = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def reto_alfanumerico() -> tuple[str, str]:
    texto = "".join(secrets.choice(ALFABETO) for _ in range(settings.CAPTCHA_LENGTH))
    return texto, texto.lower()


# Both ends of a challenge are one statement each whose commit does not wait for the disk:
# a crash may lose a new challenge (the person asks for another image) or let a solved one
# be answered again before it expires, nothing more.
_NUEVO = (
    "INSERT INTO captcha_captchastore "
    "(challenge, response, hashkey, expiration) VALUES (%s, %s, %s, %s)"
)
_GASTAR = (
    "DELETE FROM captcha_captchastore WHERE hashkey = %s AND expiration > %s RETURNING response"
)

_DESCARTAR = "DELETE FROM captcha_captchastore WHERE hashkey = %s"


def nuevo_reto() -> str:
    """A new challenge stored; its key (160 random bits). The library's generate_key, in
    one statement: its ORM insert cost as much Python again."""
    reto, respuesta = settings.get_challenge()()
    clave = secrets.token_hex(20)
    vence = timezone.now() + datetime.timedelta(minutes=settings.CAPTCHA_TIMEOUT)
    with connection.cursor() as cursor:
        sin_esperar_al_disco(cursor, _NUEVO, [reto, respuesta.lower(), clave, vence])
    return clave


def descartar(clave: str) -> None:
    """Delete the challenge ``clave``, replaced by a new image before anyone answered it, so
    that "Actualizar Imagen" leaves no challenge behind to wait for its expiry."""
    if re.fullmatch(r"[0-9a-f]{40}", clave):  # not a key (a NUL, say): not looked up
        with connection.cursor() as cursor:
            sin_esperar_al_disco(cursor, _DESCARTAR, [clave])


def gastar(clave: str) -> str | None:
    """The expected answer of the unexpired challenge ``clave``, deleted in the statement
    that reads it (so one solved image passes once), or None."""
    with connection.cursor() as cursor:
        sin_esperar_al_disco(cursor, _GASTAR, [clave, timezone.now()])
        fila = cursor.fetchone()
    return None if fila is None else fila[0]
