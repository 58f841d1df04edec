"""Recording what happens to an account, the e-mail that tells its owner when it matters, and
"No fui yo": every session ends, the password stops working, a link to choose a new one goes
to the account's e-mail, and the report stays for staff."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from ... import cliente, fechas
from ...models import Actividad, Usuario, igual_sin_mayusculas, mismo_correo
from .. import correo
from ..enlaces import EnlaceInvalido
from . import dispositivos

Tipo = Actividad.Tipo
# What is worth an e-mail (besides a sign-in from a device not seen before): what changes how
# the account is protected.
ALERTAN = {
    Tipo.CONTRASENA,
    Tipo.CONTRASENA_RECUPERADA,
    Tipo.DOS_PASOS_ACTIVADA,
    Tipo.DOS_PASOS_QUITADA,
    Tipo.LLAVE_AGREGADA,
    Tipo.LLAVE_QUITADA,
}
VIGENCIA_DEL_ENLACE = datetime.timedelta(days=30)
_SAL = "registro.no_fui_yo"


def anotar(request, usuario: Usuario, tipo: str, **datos) -> Actividad:
    """Records ``tipo`` for ``usuario`` from this request's device; e-mails the owner when
    it changes how the account is protected or is a sign-in from a new device."""
    huella = dispositivos.huella(dispositivos.identificador(request))
    anteriores = Actividad.objects.filter(usuario=usuario, tipo=Tipo.INGRESO)
    nuevo = (
        tipo == Tipo.INGRESO
        and anteriores.exists()  # the first sign-in of all is no news
        and not anteriores.filter(huella_dispositivo=huella).exists()
    )
    entrada = Actividad.objects.create(
        usuario=usuario,
        tipo=tipo,
        dispositivo=dispositivos.describir(request.META.get("HTTP_USER_AGENT", "")),
        huella_dispositivo=huella,
        direccion=dispositivos.recortar(cliente.direccion(request)),
        **datos,
    )
    if tipo in ALERTAN or nuevo:
        _alertar(request, entrada)
    return entrada


def _alertar(request, entrada: Actividad) -> None:
    usuario = entrada.usuario
    if not usuario.email or not usuario.correo_confirmado:
        return
    ruta = reverse("cuentas:no_fui_yo", args=[enlace(entrada)])
    contexto = {
        "usuario": usuario.username,
        "que": str(entrada.get_tipo_display()),
        "fecha": fechas.fecha(entrada.momento),
        "hora": fechas.hora(entrada.momento),
        "dispositivo": entrada.dispositivo,
        "direccion": entrada.direccion,
        "enlace": request.build_absolute_uri(ruta),
    }
    correo.enviar("alerta", usuario.email, contexto)


def correo_cambiado(request, cambio) -> None:
    """After an e-mail change: recorded, and the old address told, with the new one masked
    and a "No fui yo" link that gives the account back to it."""
    usuario, anterior = cambio
    entrada = anotar(request, usuario, Tipo.CORREO, correo_anterior=anterior)
    if anterior:
        contexto = {
            "usuario": usuario.username,
            "nuevo": correo.enmascarar(usuario.email),
            "enlace": request.build_absolute_uri(
                reverse("cuentas:no_fui_yo", args=[enlace(entrada)])
            ),
        }
        correo.enviar("correo_cambiado", anterior, contexto)


def enlace(entrada: Actividad) -> str:
    """The token of an e-mail's "No fui yo" link for this entry (30 days, once)."""
    return signing.dumps({"a": entrada.pk}, salt=_SAL)


def por_enlace(token: str) -> Actividad:
    try:
        datos = signing.loads(token, salt=_SAL, max_age=VIGENCIA_DEL_ENLACE)
    except signing.SignatureExpired:
        raise EnlaceInvalido("vencido") from None
    except signing.BadSignature:
        raise EnlaceInvalido("alterado") from None
    entrada = Actividad.objects.select_related("usuario").filter(pk=datos.get("a")).first()
    if entrada is None or entrada.reportada_en is not None:
        raise EnlaceInvalido("usado")
    return entrada


def no_fui_yo(entrada: Actividad, recuperar) -> bool:
    """The owner says ``entrada`` was not them: the report is kept, every session ends, the
    password is replaced by one nobody knows, an e-mail change is undone (unless another
    account took the address since), and ``recuperar(usuario)`` sends the link to choose a
    new password. False if it was reported already."""
    usuario = entrada.usuario
    with transaction.atomic():
        ahora = timezone.now()
        sin_reportar = Actividad.objects.filter(pk=entrada.pk, reportada_en__isnull=True)
        if not sin_reportar.update(reportada_en=ahora):
            return False
        usuario.set_password(secrets.token_urlsafe(32))
        otras = Usuario.objects.exclude(pk=usuario.pk)
        if entrada.correo_anterior and not otras.filter(mismo_correo(entrada.correo_anterior)):
            usuario.email, usuario.correo_pendiente = entrada.correo_anterior, ""
        # A new password ends every session: each proves the account with its hash.
        usuario.save(update_fields=["password", "email", "correo_pendiente"])
    recuperar(usuario)
    return True


def reciente(usuario: Usuario):
    """The owner's activity still kept, newest first."""
    desde = timezone.now() - datetime.timedelta(days=settings.ACTIVIDAD_DIAS)
    return Actividad.objects.filter(usuario=usuario, momento__gte=desde).order_by("-momento")


def purgar(antes_de: datetime.datetime) -> int:
    return Actividad.objects.filter(momento__lt=antes_de).delete()[0]


@receiver(user_logged_in, dispatch_uid="registro.actividad.ingreso")
def _al_ingresar(sender, request, user, **kwargs):
    # Not a sign-in made without an HTTP request behind it (a script's, a test's login()).
    if request is not None and {"HTTP_HOST", "SERVER_NAME"} & request.META.keys():
        anotar(request, user, Tipo.INGRESO)


@receiver(user_login_failed, dispatch_uid="registro.actividad.ingreso_fallido")
def _al_fallar_el_ingreso(sender, credentials, request=None, **kwargs):
    nombre = credentials.get("username") or ""
    if request is None or not nombre:
        return
    usuario = Usuario.objects.filter(igual_sin_mayusculas("username", nombre)).first()
    if usuario is not None:
        anotar(request, usuario, Tipo.INGRESO_FALLIDO)
