"""Sessions in PostgreSQL (Django's database backend), shared by every app server, renewed
while the person is active, and the warning shortly before an idle session ends."""

import base64
import secrets
import time

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.db import IntegrityError, connection
from django.utils import timezone

from .transacciones import por_separado, sin_esperar_al_disco


class SessionStore(db.SessionStore):
    """Django's database sessions, read and written in one plain statement each.

    Django asks the database whether a new random key is taken before inserting it, and
    wraps each write in BEGIN/COMMIT: four round trips and a commit waiting for the disk,
    a fifth of each CURP look-up (docs/performance.md). Here the primary key answers the
    first question (a collision fails the insert, and Django's create() draws another key),
    and each write is one statement whose commit does not wait for the disk: a crash may
    lose the last instants of sessions, which costs the person a new sign-in, nothing more.
    """

    _INSERTAR = (
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES (%(clave)s, %(datos)s, %(vence)s)"
    )
    _ACTUALIZAR = (
        "UPDATE django_session SET session_data = %(datos)s, expire_date = %(vence)s "
        "WHERE session_key = %(clave)s"
    )
    _LEER = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"

    def load(self) -> dict:
        # Django's read goes through the ORM: twice the time of the query itself, on every
        # request of a person with a session.
        with connection.cursor() as cursor:
            cursor.execute(self._LEER, [self.session_key, timezone.now()])
            fila = cursor.fetchone()
        if fila is None:
            self._session_key = None
            return {}
        return self.decode(fila[0])

    def _get_new_session_key(self) -> str:
        # 160 random bits from one call, in the characters Django accepts for a key.
        return base64.b32encode(secrets.token_bytes(20)).decode().lower()

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        valores = {
            "clave": self.session_key,
            "datos": self.encode(self._get_session(no_load=must_create)),
            "vence": self.get_expiry_date(),
        }
        consulta = self._INSERTAR if must_create else self._ACTUALIZAR
        try:
            with por_separado(), connection.cursor() as cursor:
                sin_esperar_al_disco(cursor, consulta, valores)
                escritas = cursor.rowcount
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        if not must_create and escritas == 0:
            raise UpdateError


class RenovacionDeSesionMiddleware:
    """A session ends after SESSION_COOKIE_AGE (one hour) without requests. Django's way,
    SESSION_SAVE_EVERY_REQUEST, writes the session row on every request of a person who has
    one; this writes it when its last renewal is more than RENOVAR_CADA old, so a session
    ends between 55 and 60 minutes after its last request, at one write per 5 minutes."""

    RENOVAR_CADA = 5 * 60
    MARCA = "_renovada"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        sesion = request.session
        ahora = int(time.time())
        if sesion.modified and not sesion.is_empty():
            # Written anyway (a new session, a sign-in): the mark goes with it, so the next
            # request does not write it again.
            sesion[self.MARCA] = ahora
        elif sesion.session_key is not None:  # a cookie: renew it if its time has come
            renovada = sesion.get(self.MARCA, 0)  # loads it; a stale cookie's key becomes None
            if sesion.session_key and toca_renovar(renovada, ahora):
                sesion[self.MARCA] = ahora
        return respuesta


def toca_renovar(renovada: float, ahora: float) -> bool:
    return ahora - renovada >= RenovacionDeSesionMiddleware.RENOVAR_CADA


AVISO_ANTES = 2 * 60  # seconds: when static/js/sesion.js warns before an idle session ends


def segundos_restantes(request) -> int:
    """Seconds until this signed-in person's session ends if they do nothing more: from its
    last renewal, which this request makes when it is due (RenovacionDeSesionMiddleware)."""
    renovada = request.session.get(RenovacionDeSesionMiddleware.MARCA, 0)
    ahora = time.time()
    if toca_renovar(renovada, ahora):
        renovada = ahora
    return int(renovada + settings.SESSION_COOKIE_AGE - ahora)


def renovar(request) -> None:
    """ "Seguir en la sesión": the session starts its hour again now."""
    request.session[RenovacionDeSesionMiddleware.MARCA] = int(time.time())


def aviso_de_fin(request) -> dict:
    """Context processor: for a signed-in person, the seconds their session has left and how
    long before the end static/js/sesion.js warns them."""
    if not request.user.is_authenticated:
        return {}
    return {
        "SESION_RESTANTE": segundos_restantes(request),
        "SESION_AVISO": AVISO_ANTES,
        "SESION_DURACION": settings.SESSION_COOKIE_AGE,
    }
