"""Sessions in PostgreSQL (Django's database backend), shared by every app server."""

import time

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    """Django's database sessions without a look-up before each new one: Django asks the
    database whether a random 32-character key (165 bits) is taken before inserting it.
    The primary key answers that anyway: on a collision the insert fails, save() raises
    CreateError and create() draws another key."""

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)


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
        if sesion.session_key is None:  # no cookie, no session: nothing to renew
            return respuesta
        ahora = int(time.time())
        renovada = sesion.get(self.MARCA, 0)  # loads it; a stale cookie's key becomes None
        if sesion.session_key and not sesion.is_empty() and ahora - renovada >= self.RENOVAR_CADA:
            sesion[self.MARCA] = ahora
        return respuesta
