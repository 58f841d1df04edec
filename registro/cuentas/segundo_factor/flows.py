"""The second factor: an authenticator app (TOTP, pyotp) and single-use recovery codes.

SEGUNDO_FACTOR says what the institution asks: "apagado" (not offered, never asked),
"opcional" (each person chooses; asked at login once set up), "obligatorio" (everyone sets
it up at their next login, and nobody can remove it) or "acciones" (as opcional, and asked
again before a high-risk action unless given in the last 5 minutes; set up first if
missing). A code is 6 digits from the app, valid for its 30 seconds and the ones beside it,
accepted once; or one of the 10 recovery codes, each usable once. Five wrong codes in a row
lock the second step for 15 minutes, as five wrong passwords lock the first.
"""

import datetime
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ...models import AppAutenticadora, CodigoDeRecuperacion, LlaveDeAcceso, Usuario

EMISOR = "ISSSTE Oficina Virtual"
CODIGOS = 10
FALLOS_MAXIMOS = 5
BLOQUEO = datetime.timedelta(minutes=15)
# Recovery codes: 10 characters a person can tell apart, shown as two groups of five.
_ALFABETO = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Bloqueada(Exception):
    """Too many wrong codes: the second step waits until ``hasta``."""

    def __init__(self, hasta: datetime.datetime):
        self.hasta = hasta


def ofrecido() -> bool:
    return settings.SEGUNDO_FACTOR != "apagado"


def obligatorio() -> bool:
    return settings.SEGUNDO_FACTOR == "obligatorio"


def para_acciones_de_riesgo() -> bool:
    return settings.SEGUNDO_FACTOR == "acciones"


def tiene(usuario: Usuario) -> bool:
    """An authenticator app or a passkey (each comes with recovery codes)."""
    return (
        AppAutenticadora.objects.filter(usuario=usuario).exists()
        or LlaveDeAcceso.objects.filter(usuario=usuario).exists()
    )


def se_pide_al_ingresar(usuario: Usuario) -> bool:
    return ofrecido() and tiene(usuario)


# Setting it up


def nuevo_secreto() -> str:
    return pyotp.random_base32()


def qr(usuario: Usuario, secreto: str) -> str:
    """The otpauth:// URI an app scans, as an SVG data: URI for an <img>."""
    uri = pyotp.TOTP(secreto).provisioning_uri(name=usuario.username, issuer_name=EMISOR)
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def en_grupos(texto: str, tamano: int = 4) -> str:
    """ "ABCD EFGH …": easier to read aloud and to type."""
    return " ".join(texto[i : i + tamano] for i in range(0, len(texto), tamano))


def activar(usuario: Usuario, secreto: str, codigo: str) -> list[str] | None:
    """The app's first code proves it was set up right: the factor is kept and the recovery
    codes returned (shown once). None when the code is wrong."""
    paso = _paso_valido(secreto, codigo, despues_de=0)
    if paso is None:
        return None
    with transaction.atomic():
        AppAutenticadora.objects.update_or_create(
            usuario=usuario,
            defaults={
                "secreto": secreto,
                "ultimo_paso": paso,
                "activada_en": timezone.now(),
            },
        )
        return codigos_nuevos(usuario)


def codigos_nuevos(usuario: Usuario) -> list[str]:
    """Ten new recovery codes, replacing the earlier ones."""
    codigos = ["".join(secrets.choice(_ALFABETO) for _ in range(10)) for _ in range(CODIGOS)]
    with transaction.atomic():
        CodigoDeRecuperacion.objects.filter(usuario=usuario).delete()
        CodigoDeRecuperacion.objects.bulk_create(
            CodigoDeRecuperacion(usuario=usuario, huella=_huella(c)) for c in codigos
        )
    return [en_grupos(c, 5) for c in codigos]


def codigos_restantes(usuario: Usuario) -> int:
    return CodigoDeRecuperacion.objects.filter(usuario=usuario).count()


def quitar(usuario: Usuario) -> None:
    """The app, the recovery codes and the passkeys: the password alone again."""
    with transaction.atomic():
        AppAutenticadora.objects.filter(usuario=usuario).delete()
        CodigoDeRecuperacion.objects.filter(usuario=usuario).delete()
        LlaveDeAcceso.objects.filter(usuario=usuario).delete()


# At login


def verificar(usuario: Usuario, codigo: str) -> str | None:
    """Checks a code typed at the second step: "app" or "recuperacion" when it is good, None
    when not. Raises Bloqueada while the lock of too many wrong codes lasts."""
    bloqueo = usuario.segundo_paso_bloqueado_hasta
    if bloqueo and bloqueo > timezone.now():
        raise Bloqueada(bloqueo)
    limpio = "".join(codigo.split()).replace("-", "").upper()
    app = AppAutenticadora.objects.filter(usuario=usuario).first()
    como = None
    if limpio.isdigit() and app is not None:
        paso = _paso_valido(app.secreto, limpio, despues_de=app.ultimo_paso)
        # Taken in one statement: two logins racing with one code cannot both use it.
        tomado = AppAutenticadora.objects.filter(pk=app.pk, ultimo_paso__lt=paso or 0)
        if paso is not None and tomado.update(ultimo_paso=paso):
            como = "app"
    elif CodigoDeRecuperacion.objects.filter(usuario=usuario, huella=_huella(limpio)).delete()[0]:
        como = "recuperacion"
    cuenta = Usuario.objects.filter(pk=usuario.pk)
    if como is not None:
        cuenta.update(segundo_paso_fallos=0, segundo_paso_bloqueado_hasta=None)
        return como
    cuenta.update(segundo_paso_fallos=F("segundo_paso_fallos") + 1)
    hasta = timezone.now() + BLOQUEO
    if cuenta.filter(segundo_paso_fallos__gte=FALLOS_MAXIMOS).update(
        segundo_paso_fallos=0, segundo_paso_bloqueado_hasta=hasta
    ):
        raise Bloqueada(hasta)
    return None


def _paso_valido(secreto: str, codigo: str, despues_de: int) -> int | None:
    """The 30-second step whose code this is (this one or the one before or after, for a
    phone's clock a little off), if later than ``despues_de``."""
    totp = pyotp.TOTP(secreto)
    ahora = int(time.time()) // totp.interval
    for paso in (ahora - 1, ahora, ahora + 1):
        if paso > despues_de and secrets.compare_digest(totp.generate_otp(paso), codigo):
            return paso
    return None


def _huella(codigo: str) -> str:
    return salted_hmac("registro.codigo_de_recuperacion", codigo, algorithm="sha256").hexdigest()
