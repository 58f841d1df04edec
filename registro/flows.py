"""The registration itself, as plain functions with no HTTP in them."""

from django.db import IntegrityError, transaction

from .mensajes import CORREO_DUPLICADO, CURP_CON_CUENTA, USUARIO_DUPLICADO
from .models import Derechohabiente, Usuario

# What a unique constraint's violation means to the person who filled in the form.
_DUPLICADOS = {
    "usuario_nombre_unico_sin_mayusculas": ("username", USUARIO_DUPLICADO),
    "usuario_correo_unico_sin_mayusculas": ("email", CORREO_DUPLICADO),
}


class RegistroDuplicado(Exception):
    """Someone else registered the same user name, e-mail or CURP a moment earlier."""

    def __init__(self, campo: str | None, mensaje: str):
        super().__init__(mensaje)
        self.campo = campo
        self.mensaje = mensaje


def crear_cuenta(
    derechohabiente: Derechohabiente, nombre_usuario: str, correo: str, contrasena: str
) -> Usuario:
    """Create the account in one transaction; a lost race becomes RegistroDuplicado, not a 500."""
    usuario = Usuario(username=nombre_usuario, email=correo, derechohabiente=derechohabiente)
    usuario.set_password(contrasena)
    try:
        with transaction.atomic():
            usuario.save()
    except IntegrityError as error:
        restriccion = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        raise RegistroDuplicado(*_DUPLICADOS.get(restriccion, (None, CURP_CON_CUENTA))) from error
    return usuario
