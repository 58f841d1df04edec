"""One form per registration step; every check of what a person types lives here."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth.forms import SetPasswordMixin, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import audio_captcha, curp
from .mensajes import (
    CORREO_DUPLICADO,
    CURP_CON_CUENTA,
    CURP_NO_REGISTRADA,
    USUARIO_DUPLICADO,
)
from .models import Derechohabiente, Usuario


class BusquedaCurpForm(forms.Form):
    """Step 1: the CURP, looked up in the registry of derechohabientes."""

    curp = forms.CharField(
        label="CURP",
        max_length=40,  # room for the spaces and hyphens people type; 18 once normalised
        help_text=_("Clave Única de Registro de Población: 18 letras y números."),
        error_messages={"required": curp.MENSAJES["vacia"]},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_curp(self) -> str:
        valor = curp.validar(self.cleaned_data["curp"])
        con_cuenta = Usuario.objects.filter(derechohabiente=OuterRef("pk"))
        self.derechohabiente = (
            Derechohabiente.objects.filter(curp=valor)
            .annotate(tiene_cuenta=Exists(con_cuenta))
            .first()
        )
        if self.derechohabiente is None:
            raise ValidationError(CURP_NO_REGISTRADA, code="curp_no_registrada")
        if self.derechohabiente.tiene_cuenta:
            raise ValidationError(CURP_CON_CUENTA, code="curp_con_cuenta")
        return valor


class CaptchaConAudioWidget(CaptchaTextInput):
    """The image captcha plus, where espeak-ng is installed, its Spanish audio version."""

    def audio_url(self):
        if not audio_captcha.disponible():
            return None
        return reverse("captcha_audio", args=[self._key])


class RegistroUsuarioForm(UserCreationForm):
    """Step 2: the account for the derechohabiente found in step 1 (never taken from the form)."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Contraseña"), label2=_("Confirmar contraseña")
    )
    captcha = CaptchaField(
        label=_("Escriba el código de la imagen"),
        widget=CaptchaConAudioWidget(),
        error_messages={
            "invalid": _(
                "El código no coincide con la imagen. Escriba el código de la imagen nueva."
            ),
            "required": _("Escriba el código de la imagen."),
            "incomplete": _("Escriba el código de la imagen."),
        },
    )

    error_messages = {
        **UserCreationForm.error_messages,
        "password_mismatch": _("La confirmación no coincide con la contraseña."),
    }
    field_order = ["username", "password1", "password2", "email", "captcha"]

    class Meta(UserCreationForm.Meta):
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
                "unique": USUARIO_DUPLICADO,
            },
            "email": {
                "required": _("Escriba su correo electrónico."),
                "invalid": _("Escriba un correo electrónico válido, como nombre@dominio.mx"),
            },
        }

    def __init__(self, *args, derechohabiente: Derechohabiente, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.derechohabiente = derechohabiente
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=False)
        self.fields["email"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["password1"].help_text = _(
            "Mínimo 7 caracteres; distingue mayúsculas, minúsculas, espacios y acentos."
        )
        self.fields["password1"].error_messages["required"] = _("Escriba una contraseña.")
        self.fields["password2"].help_text = _("Escriba la misma contraseña otra vez.")
        self.fields["password2"].error_messages["required"] = _("Confirme la contraseña.")

    def validate_password_for_user(self, user, **kwargs):
        # A too-short or too-common password is a fault of "Contraseña", not of its confirmation.
        super().validate_password_for_user(user, password_field_name="password1")  # noqa: S106

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and Usuario.objects.filter(username__iexact=username).exists():
            raise ValidationError(self.Meta.error_messages["username"]["unique"], code="unique")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if Usuario.objects.filter(email__iexact=email).exists():
            raise ValidationError(CORREO_DUPLICADO, code="unique")
        return email

    def clean(self):
        if Usuario.objects.filter(derechohabiente=self.instance.derechohabiente).exists():
            raise ValidationError(CURP_CON_CUENTA, code="curp_con_cuenta")
        return super().clean()
