"""Single-use links sent by e-mail: confirming an address, taking a new one.

A link carries the account's id and a fingerprint of the state it may change, signed
and time-stamped (django.core.signing). It stops working after 24 hours, once it has
been used (the state it fingerprints has changed), or if one character is altered.
No e-mail address travels in the link.
"""

import datetime
from collections.abc import Callable

from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Usuario

VIGENCIA = datetime.timedelta(hours=24)

# What the flows are given to put a link in a message: a token in, the URL to follow out.
UrlPara = Callable[[str], str]


class EnlaceInvalido(Exception):
    """Why a link cannot be used: "vencido", "usado" or "alterado"."""

    def __init__(self, motivo: str):
        super().__init__(motivo)
        self.motivo = motivo


def _estado(proposito: str, usuario: Usuario) -> str:
    valores = {
        "confirmar": (usuario.email, usuario.correo_confirmado_en),
        "cambiar_correo": (usuario.email, usuario.correo_pendiente),
    }[proposito]
    # The salts keep the module's first name: links already sent must still verify.
    return salted_hmac(f"registro.enlaces.{proposito}", repr(valores)).hexdigest()[:20]


def crear(proposito: str, usuario: Usuario) -> str:
    return signing.dumps(
        {"u": usuario.pk, "e": _estado(proposito, usuario)}, salt=f"registro.{proposito}"
    )


def verificar(proposito: str, token: str) -> Usuario:
    """The account the link is for, or EnlaceInvalido saying why not."""
    try:
        datos = signing.loads(token, salt=f"registro.{proposito}", max_age=VIGENCIA)
    except signing.SignatureExpired:
        raise EnlaceInvalido("vencido") from None
    except signing.BadSignature:
        raise EnlaceInvalido("alterado") from None
    usuario = Usuario.objects.filter(pk=datos.get("u")).first()
    if usuario is None or datos.get("e") != _estado(proposito, usuario):
        raise EnlaceInvalido("usado")
    return usuario


def url_para(request, nombre: str) -> UrlPara:
    """The absolute URL of the page ``nombre`` for a link's token, on the host the request
    came to."""
    return lambda token: request.build_absolute_uri(reverse(nombre, args=[token]))


def siguiente_local(request, por_omision: str) -> str:
    """The ?siguiente= a page was given, if it stays on this site; else ``por_omision``."""
    siguiente = request.GET.get("siguiente", "")
    local = url_has_allowed_host_and_scheme(siguiente, {request.get_host()}, request.is_secure())
    return siguiente if local else reverse(por_omision)
