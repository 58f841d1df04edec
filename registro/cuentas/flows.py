"""The account's life after it is created, as plain functions with no HTTP in them:
confirm the e-mail, change it, remind the user name.

Functions that send a link take ``url_para``: a callable that turns a link's token into
the absolute URL the person will follow (enlaces.url_para: the request knows the host; the
flow does not).
"""

from contextlib import contextmanager
from typing import NamedTuple

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from ..mensajes import CURP_CON_CUENTA
from ..models import DUPLICADOS, Usuario, mismo_correo
from ..transacciones import por_separado
from . import correo, enlaces
from .enlaces import UrlPara


class RegistroDuplicado(Exception):
    """Someone else registered the same user name, e-mail or CURP a moment earlier."""

    def __init__(self, campo: str | None, mensaje: str):
        super().__init__(mensaje)
        self.campo = campo
        self.mensaje = mensaje


@contextmanager
def sin_duplicados():
    """A lost race on a unique constraint becomes RegistroDuplicado, not a 500."""
    try:
        with por_separado():
            yield
    except IntegrityError as error:
        restriccion = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        raise RegistroDuplicado(*DUPLICADOS.get(restriccion, (None, CURP_CON_CUENTA))) from error


def enviar_confirmacion(usuario: Usuario, url_para: UrlPara) -> None:
    enlace = url_para(enlaces.crear("confirmar", usuario))
    contexto = {"usuario": usuario.username, "enlace": enlace, "horas": 24}
    correo.enviar("confirmacion", usuario.email, contexto)


def confirmar_correo(token: str) -> Usuario:
    """Mark the address confirmed; raises enlaces.EnlaceInvalido for a bad link."""
    usuario = enlaces.verificar("confirmar", token)
    usuario.correo_confirmado_en = timezone.now()
    usuario.save(update_fields=["correo_confirmado_en"])
    return usuario


def solicitar_cambio_de_correo(usuario: Usuario, nuevo: str, url_para: UrlPara) -> None:
    """The new address takes effect only when its owner follows the link sent to it."""
    usuario.correo_pendiente = nuevo
    usuario.save(update_fields=["correo_pendiente"])
    enlace = url_para(enlaces.crear("cambiar_correo", usuario))
    contexto = {"usuario": usuario.username, "enlace": enlace, "horas": 24}
    correo.enviar("cambio_correo", nuevo, contexto)


class CorreoCambiado(NamedTuple):
    usuario: Usuario
    anterior: str


def confirmar_cambio_de_correo(token: str) -> CorreoCambiado:
    """The new address takes effect; whoever holds the old one is told by the caller
    (actividad.correo_cambiado: if it was not its owner, someone else has the password)."""
    usuario = enlaces.verificar("cambiar_correo", token)
    if not usuario.correo_pendiente:
        raise enlaces.EnlaceInvalido("usado")
    anterior = usuario.email
    usuario.email = usuario.correo_pendiente
    usuario.correo_pendiente = ""
    usuario.correo_confirmado_en = timezone.now()
    with sin_duplicados():
        usuario.save(update_fields=["email", "correo_pendiente", "correo_confirmado_en"])
    return CorreoCambiado(usuario, anterior)


def recordar_usuario(curp: str, correo_: str, url_ingresar: str) -> None:
    """E-mail the user name to the account with this CURP and address, if there is one.

    The caller answers the same whether or not a message was sent.
    """
    usuario = Usuario.objects.filter(
        mismo_correo(correo_),
        derechohabiente__curp=curp,
        de_version_anterior=False,
    ).first()
    if usuario is not None:
        contexto = {"usuario": usuario.username, "url_ingresar": url_ingresar}
        correo.enviar("recordar_usuario", usuario.email, contexto)


def cerrar_todas_las_sesiones(usuario: Usuario) -> None:
    """Every session of the account ends, on every device (this one too)."""
    Usuario.objects.filter(pk=usuario.pk).update(
        generacion_de_sesiones=F("generacion_de_sesiones") + 1
    )
