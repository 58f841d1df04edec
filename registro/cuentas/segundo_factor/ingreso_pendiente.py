"""A login half done: the password was right and the second step is still to come (the code,
or setting up the app where the institution requires it). Kept in the session for 5 minutes;
the person is not signed in until ``completar``."""

import time

from django.contrib.auth import login

from ...models import Usuario

CLAVE = "ingreso_pendiente"
VIGENCIA = 5 * 60  # seconds


def guardar(request, usuario: Usuario, siguiente: str) -> None:
    request.session[CLAVE] = {
        "usuario": usuario.pk,
        "backend": usuario.backend,
        "hasta": time.time() + VIGENCIA,
        "siguiente": siguiente,
    }


def usuario(request) -> Usuario | None:
    """Whose login is half done, or None (none, or more than 5 minutes ago)."""
    datos = request.session.get(CLAVE)
    if not isinstance(datos, dict) or datos.get("hasta", 0) < time.time():
        return None
    cuenta = Usuario.objects.filter(pk=datos["usuario"], is_active=True).first()
    if cuenta is not None:
        cuenta.backend = datos["backend"]
    return cuenta


def completar(request, cuenta: Usuario) -> str:
    """Signs the person in; where they were going."""
    datos = request.session.pop(CLAVE)
    login(request, cuenta, backend=datos["backend"])
    return datos["siguiente"]


def olvidar(request) -> None:
    request.session.pop(CLAVE, None)
