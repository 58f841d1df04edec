"""Messages shown to derechohabientes, shared by forms, flows and views."""

from django.utils.translation import gettext_lazy as _

CURP_NO_REGISTRADA = _(
    "Esta CURP no está registrada como derechohabiente del ISSSTE. Revise que esté bien escrita; "
    "si lo está, acuda a su unidad de afiliación."
)
CURP_NO_VIGENTE = _(
    "Su registro como derechohabiente no está vigente, por lo que no puede crear una cuenta en "
    "la Oficina Virtual. Acuda a su unidad de afiliación para revisarlo."
)
CURP_CON_CUENTA = _(
    "Esta CURP ya tiene una cuenta en la Oficina Virtual. Ingrese con su nombre de usuario y "
    "contraseña."
)
USUARIO_DUPLICADO = _("Ese nombre de usuario ya está registrado. Elija otro.")
CORREO_DUPLICADO = _("Ese correo electrónico ya está registrado en otra cuenta.")
BUSQUE_PRIMERO = _("Para crear su usuario, primero escriba su CURP y dé click en Buscar.")
RECUPERACION_ENVIADA = _(
    "Si ese correo electrónico corresponde a una cuenta, le enviamos un enlace para elegir una "
    "contraseña nueva. Es válido 24 horas. Revise también la carpeta de correo no deseado."
)
CONTRASENA_RECUPERADA = _("Su contraseña nueva quedó guardada. Ya puede ingresar con ella.")
USUARIO_ENVIADO = _(
    "Si la CURP y el correo electrónico corresponden a una cuenta, le enviamos su nombre de "
    "usuario a ese correo. Revise también la carpeta de correo no deseado."
)
