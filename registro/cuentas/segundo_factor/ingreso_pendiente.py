"""A login half done: the password was right and the second step is still to come (the code,
or setting up the app where the institution requires it). Kept in the session for 5 minutes;
the person is not signed in until ``completar``. Also when the second factor was last given,
which spares asking it again for a high-risk action (acciones.py) for 5 minutes."""

import time

from django.contrib.auth import login

from ...models import Usuario

CLAVE = "ingreso_pendiente"
VERIFICADO_EN = "segundo_factor_verificado_en"
VIGENCIA = 5 * 60  # seconds: a half-done login, and a second factor given for high-risk actions


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
    marcar_verificado(request)
    return datos["siguiente"]


def marcar_verificado(request) -> None:
    """The second factor was just given: high-risk actions need not ask it for a while."""
    request.session[VERIFICADO_EN] = time.time()


def verificado_hace_poco(request) -> bool:
    return time.time() - request.session.get(VERIFICADO_EN, 0) < VIGENCIA


def olvidar(request) -> None:
    request.session.pop(CLAVE, None)
