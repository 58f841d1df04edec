"""Messages of the account's life: what the pages that only say something say, and why a
link from an e-mail did not work."""

from django.utils.translation import gettext_lazy as _

RECUPERACION_ENVIADA = _(
    "Si ese correo electrónico corresponde a una cuenta, le enviamos un enlace para elegir una "
    "contraseña nueva. Es válido 24 horas. Revise también la carpeta de correo no deseado."
)
CONTRASENA_RECUPERADA = _("Su contraseña nueva quedó guardada. Ya puede ingresar con ella.")
USUARIO_ENVIADO = _(
    "Si la CURP y el correo electrónico corresponden a una cuenta, le enviamos su nombre de "
    "usuario a ese correo. Revise también la carpeta de correo no deseado."
)

ENLACE_INVALIDO = {
    "vencido": _(
        "El enlace venció: era válido 24 horas. Ingrese con su usuario y contraseña para "
        "pedir uno nuevo."
    ),
    "usado": _("Este enlace ya se usó o ya no corresponde a su cuenta."),
    "alterado": _(
        "El enlace no es válido. Copie la dirección completa del correo que recibió, sin "
        "cortes ni espacios."
    ),
}

SEGUNDO_FACTOR_OBLIGATORIO = _(
    "Para proteger su cuenta, la Oficina Virtual pide ahora la verificación en dos pasos. "
    "Actívela para continuar; toma un par de minutos."
)
