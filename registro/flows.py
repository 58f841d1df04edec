"""Step 2's flow: the account a registration creates, or replaces, with no HTTP in it."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .cuentas.flows import RegistroDuplicado, sin_duplicados
from .mensajes import CURP_CON_CUENTA
from .models import Derechohabiente, Usuario


def cuenta_por_reemplazar(derechohabiente: Derechohabiente) -> Usuario | None:
    """The one rule of "new account or replace": a registration replaces the account the
    derechohabiente had in the previous Oficina Virtual, makes a new one when it had none,
    and none at all when it has a current one (RegistroDuplicado): a CURP never has two.
    Reads the account loaded with the derechohabiente (Derechohabiente.objects.con_su_cuenta).
    """
    cuenta = getattr(derechohabiente, "usuario", None)
    if cuenta is None or cuenta.pk is None:  # none, or only the one step 2's form fills in
        return None
    if not cuenta.de_version_anterior:
        raise RegistroDuplicado(None, CURP_CON_CUENTA)
    return cuenta


def crear_cuenta(
    *, derechohabiente: Derechohabiente, nombre_usuario: str, correo: str, contrasena: str
) -> Usuario:
    """The derechohabiente's account, unconfirmed until the e-mail link is followed.

    The account it had in the previous Oficina Virtual (cuenta_por_reemplazar) is replaced
    in place (same row, new user name, e-mail and password). One statement, no lock: the
    unique index on the derechohabiente stops a second new account, and the replacement
    applies only while the row is still from the previous version. The password is hashed
    first, so no transaction waits on the hash's 100 ms.
    """
    anterior = cuenta_por_reemplazar(derechohabiente)
    campos = {
        "username": nombre_usuario,
        "email": correo,
        "password": make_password(contrasena),
        "correo_confirmado_en": None,
        "correo_pendiente": "",
        "de_version_anterior": False,
        "date_joined": timezone.now(),
    }
    cuenta = anterior or Usuario(derechohabiente=derechohabiente)
    for campo, valor in campos.items():
        setattr(cuenta, campo, valor)
    with sin_duplicados():
        if anterior is None:
            cuenta.save(force_insert=True)
        elif not Usuario.objects.filter(pk=anterior.pk, de_version_anterior=True).update(**campos):
            raise RegistroDuplicado(None, CURP_CON_CUENTA)
    return cuenta
