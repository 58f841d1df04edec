"""Passkeys (WebAuthn, py_webauthn): made and checked against this site's own name (the host
the person reached), each challenge drawn by the server, kept in the session and used once.
The browser's side is static/js/llaves.js."""

import json

from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ...models import LlaveDeAcceso, Usuario
from . import flows

RETO = "segundo_factor_reto_de_llave"  # session key


def _sitio(request) -> tuple[str, str]:
    """(relying party id, origin): the host without its port, and scheme://host:port."""
    origen = f"{request.scheme}://{request.get_host()}"
    return request.get_host().rsplit(":", 1)[0].strip("[]"), origen


def _descriptores(usuario: Usuario) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=bytes(llave.credencial))
        for llave in LlaveDeAcceso.objects.filter(usuario=usuario)
    ]


def opciones_para_agregar(request, usuario: Usuario) -> str:
    rp_id, _ = _sitio(request)
    opciones = generate_registration_options(
        rp_id=rp_id,
        rp_name=flows.EMISOR,
        user_id=str(usuario.pk).encode(),
        user_name=usuario.username,
        exclude_credentials=_descriptores(usuario),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[RETO] = bytes_to_base64url(opciones.challenge)
    return options_to_json(opciones)


def agregar(request, usuario: Usuario, respuesta: str, nombre: str) -> LlaveDeAcceso | None:
    """The new passkey, or None when the browser's answer does not verify."""
    rp_id, origen = _sitio(request)
    reto = request.session.pop(RETO, None)
    if reto is None:
        return None
    try:
        verificada = verify_registration_response(
            credential=respuesta,
            expected_challenge=base64url_to_bytes(reto),
            expected_rp_id=rp_id,
            expected_origin=origen,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, json.JSONDecodeError):
        return None
    return LlaveDeAcceso.objects.create(
        usuario=usuario,
        credencial=verificada.credential_id,
        clave_publica=verificada.credential_public_key,
        contador=verificada.sign_count,
        nombre=nombre,
    )


def opciones_para_ingresar(request, usuario: Usuario) -> str:
    rp_id, _ = _sitio(request)
    opciones = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptores(usuario),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[RETO] = bytes_to_base64url(opciones.challenge)
    return options_to_json(opciones)


def verificar(request, usuario: Usuario, respuesta: str) -> bool:
    """True when the browser's answer was signed by one of the person's passkeys."""
    rp_id, origen = _sitio(request)
    reto = request.session.pop(RETO, None)
    try:
        credencial = base64url_to_bytes(json.loads(respuesta)["rawId"])
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        return False
    llave = LlaveDeAcceso.objects.filter(usuario=usuario, credencial=credencial).first()
    if reto is None or llave is None:
        return False
    try:
        verificada = verify_authentication_response(
            credential=respuesta,
            expected_challenge=base64url_to_bytes(reto),
            expected_rp_id=rp_id,
            expected_origin=origen,
            credential_public_key=bytes(llave.clave_publica),
            credential_current_sign_count=llave.contador,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return False
    llave.contador, llave.usada_en = verificada.new_sign_count, timezone.now()
    llave.save(update_fields=["contador", "usada_en"])
    return True
