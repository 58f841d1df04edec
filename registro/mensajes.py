"""Messages shown to derechohabientes, shared by forms, flows, views and the models."""

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
# The e-mail field's errors, wherever an address is typed.
CORREO = {
    "required": _("Escriba su correo electrónico."),
    "invalid": _("Escriba un correo electrónico válido, como nombre@dominio.mx"),
}
# Step 1 asks for the captcha from an address past its limits (registro.limites).
CAPTCHA_DE_BUSQUEDA = _(
    "Desde su red se buscaron muchas CURP en poco tiempo. Por seguridad, escriba también el "
    "código de la imagen."
)
BUSQUE_PRIMERO = _("Para crear su usuario, primero escriba su CURP y dé click en Buscar.")
# The waiting room (registro.sala_de_espera).
ADMISION_TERMINADA = _(
    "Su tiempo para empezar el registro terminó. Le dimos un nuevo lugar en la fila: en cuanto "
    "sea su turno, esta página le mostrará el registro."
)
TURNO_USADO = _(
    "Ese turno ya se usó en otro navegador. Le dimos un nuevo lugar en la fila: en cuanto sea "
    "su turno, esta página le mostrará el registro."
)
SERVIDOR_OCUPADO = _(
    "En este momento hay muchas personas ingresando o registrándose. Intente de nuevo en "
    "%(segundos)s segundos."
)
