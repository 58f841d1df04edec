"""Steps 1 and 2 of the registration: every check of what a person types there."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import flows, limites
from .captcha.fields import campo_captcha
from .cuentas.contrasenas import CampoContrasena
from .cuentas.flows import RegistroDuplicado
from .mensajes import (
    CAPTCHA_DE_BUSQUEDA,
    CORREO,
    CURP_CON_CUENTA,
    CURP_NO_REGISTRADA,
    CURP_NO_VIGENTE,
)
from .models import Derechohabiente, Usuario
from .padron.forms import CampoCurp


class BusquedaCurpForm(forms.Form):
    """Step 1: the CURP, looked up in the registry of derechohabientes; with ``con_captcha``
    (registro.limites asks for it), only once the captcha is answered.

    ``resultado`` says what the look-up answered (registro.limites counts it), or None when
    it answered nothing: no CURP, or the captcha not answered.
    """

    curp = CampoCurp()

    def __init__(self, *args, con_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resultado = None
        if con_captcha:
            self.fields["captcha"] = campo_captcha(falta=CAPTCHA_DE_BUSQUEDA)

    def clean(self):
        if "captcha" in self.errors or self.has_error("curp", "required"):
            return self.cleaned_data
        if "curp" in self.errors:
            self.resultado = limites.MAL_ESCRITA
            return self.cleaned_data
        valor = self.cleaned_data["curp"]
        situacion = Derechohabiente.objects.situacion_para_registro(valor)
        self.resultado = limites.ENCONTRADA if situacion else limites.NO_REGISTRADA
        if situacion is None:
            self.add_error("curp", ValidationError(CURP_NO_REGISTRADA, code="curp_no_registrada"))
            return self.cleaned_data
        vigente, tiene_cuenta = situacion
        if not vigente:
            self.add_error("curp", ValidationError(CURP_NO_VIGENTE, code="curp_no_vigente"))
        elif tiene_cuenta:
            self.add_error("curp", ValidationError(CURP_CON_CUENTA, code="curp_con_cuenta"))
        return self.cleaned_data


class RegistroUsuarioForm(BaseUserCreationForm):
    """Step 2: the account for the derechohabiente found in step 1 (never taken from the form).

    On BaseUserCreationForm: UserCreationForm's own check of the user name compares
    UPPER(username), which no index has, and would refuse the old account's own name; the
    model's constraint check (Usuario.validate_constraints) does neither.
    """

    password1 = CampoContrasena(label=_("Contraseña"))
    password2 = CampoContrasena(label=_("Confirmar contraseña"))
    captcha = campo_captcha()

    error_messages = {
        **BaseUserCreationForm.error_messages,
        "password_mismatch": _("La confirmación no coincide con la contraseña."),
    }
    field_order = ["username", "password1", "password2", "email", "captcha"]

    class Meta(BaseUserCreationForm.Meta):
        model = Usuario
        fields = ("username", "email")
        labels = {"username": _("Nombre de usuario"), "email": _("Correo electrónico")}
        help_texts = {
            "username": _("Letras, números y los signos @ . + - _ (sin espacios)."),
            "email": _("Ejemplo: nombre@dominio.mx"),
        }
        error_messages = {
            "username": {
                "required": _("Escriba un nombre de usuario."),
            },
            "email": CORREO,
        }

    def __init__(self, *args, derechohabiente: Derechohabiente, **kwargs):
        # The account from the previous version, if it has one, is this form's instance, so
        # that its own user name and e-mail may be kept; none of its data is shown.
        self.ya_registrado = None
        try:
            kwargs["instance"] = flows.cuenta_por_reemplazar(derechohabiente)
        except RegistroDuplicado as duplicado:
            self.ya_registrado = duplicado
        kwargs["initial"] = {"username": "", "email": "", **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.instance.derechohabiente = derechohabiente
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=False)
        self.fields["email"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["password1"].help_text = _(
            "Mínimo %(minimo)d caracteres; distingue mayúsculas, minúsculas, espacios y acentos."
        ) % {"minimo": settings.CONTRASENA_MINIMA}
        self.fields["password1"].error_messages["required"] = _("Escriba una contraseña.")
        self.fields["password2"].help_text = _("Escriba la misma contraseña otra vez.")
        self.fields["password2"].error_messages["required"] = _("Confirme la contraseña.")

    def validate_password_for_user(self, user, **kwargs):
        # A too-short or too-common password is a fault of "Contraseña", not of its confirmation.
        super().validate_password_for_user(user, password_field_name="password1")  # noqa: S106

    def clean(self):
        if self.ya_registrado is not None:
            raise ValidationError(self.ya_registrado.mensaje, code="curp_con_cuenta")
        return super().clean()

    def validate_unique(self):
        # Django's check of the exact user name. The model's constraints, checked before,
        # already refused it in any case; after a race the unique indexes do (flows).
        pass
