"""The waiting room's two cookies, signed with SECRET_KEY so that nobody writes their own.

- ``sala_turno``: a place in line, the turn's number. Reloading or a second tab sends the
  same cookie, so the place is neither lost nor doubled.
- ``sala_pase``: an admission, the turn's number and when it was admitted; it lets its
  holder start the registration for SALA_DE_ESPERA_ADMISION minutes. A copy in other
  browsers admits nobody more: the first look-up claims the turn for its session
  (admision.reclamar).

Neither carries anything of the person, and reading them asks nothing of the database.
"""

from django.conf import settings
from django.core import signing

TURNO = "sala_turno"
PASE = "sala_pase"
_TURNO_DURA = 12 * 60 * 60  # seconds: a line longer than this is not a line any more

_firma_del_turno = signing.Signer(salt="registro.sala_de_espera.turno")
_firma_del_pase = signing.TimestampSigner(salt="registro.sala_de_espera.pase")


def _numero(texto: str) -> int | None:
    return int(texto) if texto.isdigit() and len(texto) < 19 else None


def turno(request) -> int | None:
    """The turn this browser holds, or None (none, or not signed by us)."""
    try:
        return _numero(_firma_del_turno.unsign(request.COOKIES.get(TURNO, "")))
    except signing.BadSignature:
        return None


def pase(request) -> int | None:
    """The turn this browser was admitted with, while the admission lasts; else None."""
    try:
        texto = _firma_del_pase.unsign(
            request.COOKIES.get(PASE, ""), max_age=settings.SALA_DE_ESPERA_ADMISION * 60
        )
    except signing.BadSignature:  # SignatureExpired too
        return None
    return _numero(texto)


def _poner(respuesta, nombre: str, valor: str, dura: int) -> None:
    respuesta.set_cookie(
        nombre,
        valor,
        max_age=dura,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def dar_turno(respuesta, numero: int) -> None:
    _poner(respuesta, TURNO, _firma_del_turno.sign(str(numero)), _TURNO_DURA)


def dar_pase(request, respuesta, numero: int) -> None:
    """Admit the holder of turn ``numero``: the pass replaces the turn."""
    dura = settings.SALA_DE_ESPERA_ADMISION * 60
    _poner(respuesta, PASE, _firma_del_pase.sign(str(numero)), dura)
    if TURNO in request.COOKIES:
        respuesta.delete_cookie(TURNO, samesite="Lax")


def quitar_pase(respuesta) -> None:
    respuesta.delete_cookie(PASE, samesite="Lax")
