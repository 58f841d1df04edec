"""The account's forms: log in (and its second step), recover a password or user name, change
password or e-mail, confirm the password again."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..mensajes import CORREO, CORREO_DUPLICADO
from ..models import Usuario, mismo_correo
from ..padron.forms import CampoCurp
from . import correo
from .contrasenas import CampoContrasena


class IngresoForm(AuthenticationForm):
    """ "Ingresar": user name (any case) and password.

    Whether an account exists is never told; why an existing account cannot enter is told
    only to whoever typed its password.
    """

    error_messages = {
        "invalid_login": _(
            "El nombre de usuario o la contraseña no son correctos. Revise las mayúsculas, "
            "los espacios y los acentos de la contraseña."
        ),
        "inactive": _("Esta cuenta está desactivada. Comuníquese con la mesa de ayuda del ISSSTE."),
        "sin_confirmar": _(
            "Todavía no confirma su correo electrónico. Siga el enlace que le enviamos al "
            "crear su usuario, o pida uno nuevo con el botón de abajo."
        ),
        "version_anterior": _(
            "Su cuenta es de la versión anterior de la Oficina Virtual. Para seguir usándola "
            "es necesario actualizarla repitiendo el proceso de registro."
        ),
    }

    password = CampoContrasena(label=_("Contraseña"), autocomplete="current-password")

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nombre de usuario")
        # AuthenticationForm sets max_length after building the field, so it is not enforced.
        self.fields["username"].validators.append(MaxLengthValidator(150))

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if user.de_version_anterior:
            raise ValidationError(self.error_messages["version_anterior"], code="version_anterior")
        if not user.correo_confirmado:
            self.sin_confirmar = user
            raise ValidationError(self.error_messages["sin_confirmar"], code="sin_confirmar")


class RecordarUsuarioForm(forms.Form):
    """ "¿Olvidó su usuario?": the CURP and the e-mail of the account."""

    curp = CampoCurp()
    email = forms.EmailField(
        label=_("Correo electrónico"),
        error_messages=CORREO,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ConfirmarContrasenaForm(forms.Form):
    """The current password, asked again before something that weakens the account."""

    password = CampoContrasena(
        label=_("Contraseña actual"),
        autocomplete="current-password",
        error_messages={"required": _("Escriba su contraseña actual.")},
    )

    def __init__(self, *args, usuario: Usuario, **kwargs):
        super().__init__(*args, **kwargs)
        self.usuario = usuario

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.usuario.check_password(password):
            raise ValidationError(_("La contraseña actual no es correcta."), code="incorrecta")
        return password


class CambioCorreoForm(ConfirmarContrasenaForm):
    """A new e-mail address, confirmed with the current password."""

    email = forms.EmailField(
        label=_("Correo electrónico nuevo"),
        error_messages=CORREO,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "password"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() == self.usuario.email.lower():
            raise ValidationError(_("Ese ya es su correo electrónico."), code="igual")
        otras = Usuario.objects.exclude(pk=self.usuario.pk)
        if otras.filter(mismo_correo(email)).exists():
            raise ValidationError(CORREO_DUPLICADO, code="unique")
        return email


class NuevaContrasenaForm(SetPasswordForm):
    """ "Elija una contraseña nueva" after a recovery link, in NFC like every password here."""

    new_password1 = CampoContrasena(label=_("Contraseña nueva"))
    new_password2 = CampoContrasena(label=_("Confirmar contraseña nueva"))


class CambioContrasenaForm(PasswordChangeForm):
    old_password = CampoContrasena(label=_("Contraseña actual"), autocomplete="current-password")
    new_password1 = NuevaContrasenaForm.base_fields["new_password1"]
    new_password2 = NuevaContrasenaForm.base_fields["new_password2"]
    field_order = ["old_password", "new_password1", "new_password2"]


class RecuperarContrasenaForm(PasswordResetForm):
    """Django's form, with the look-up by e-mail on the index of LOWER(email)."""

    encontradas: list[Usuario] = []

    def get_users(self, email):
        cuentas = Usuario.objects.filter(mismo_correo(email), is_active=True)
        self.encontradas = [c for c in cuentas if c.has_usable_password()]
        return iter(self.encontradas)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Queued like every other message (cuentas.correo), not sent in the request."""
        ruta = reverse(
            "cuentas:recuperar_contrasena_confirmar",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        enlace = f"{context['protocol']}://{context['domain']}{ruta}"
        contexto = {"usuario": context["user"].get_username(), "enlace": enlace}
        correo.enviar("recuperar_contrasena", context["email"], contexto)
