"""One form per registration step; every check of what a person types lives here."""

import datetime
import secrets

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audio_captcha, correo, curp
from .contrasenas import CampoContrasena
from .mensajes import (
    CORREO_DUPLICADO,
    CURP_CON_CUENTA,
    CURP_NO_REGISTRADA,
    CURP_NO_VIGENTE,
)
from .models import Derechohabiente, Usuario, mismo_correo
from .transacciones import sin_esperar_al_disco


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
        situacion = Derechohabiente.objects.situacion_para_registro(valor)
        if situacion is None:
            raise ValidationError(CURP_NO_REGISTRADA, code="curp_no_registrada")
        vigente, tiene_cuenta = situacion
        if not vigente:
            raise ValidationError(CURP_NO_VIGENTE, code="curp_no_vigente")
        if tiene_cuenta:
            raise ValidationError(CURP_CON_CUENTA, code="curp_con_cuenta")
        return valor


# Both ends of a captcha challenge are one statement each whose commit does not wait for
# the disk: a crash may lose a new challenge (the person asks for another image) or let a
# solved one be answered again before it expires, nothing more.
_NUEVO_RETO = (
    "INSERT INTO captcha_captchastore "
    "(challenge, response, hashkey, expiration) VALUES (%s, %s, %s, %s)"
)


def nuevo_reto() -> str:
    """A new challenge stored; its key (160 random bits). The library's generate_key, in
    one statement: its ORM insert cost as much Python again."""
    reto, respuesta = captcha_settings.get_challenge()()
    clave = secrets.token_hex(20)
    vence = timezone.now() + datetime.timedelta(minutes=captcha_settings.CAPTCHA_TIMEOUT)
    with connection.cursor() as cursor:
        sin_esperar_al_disco(cursor, _NUEVO_RETO, [reto, respuesta.lower(), clave, vence])
    return clave


class CaptchaConAudioWidget(CaptchaTextInput):
    """The image captcha plus, where espeak-ng is installed, its Spanish audio version.

    Given ``clave``, it shows that challenge instead of making one: step 2's page is kept
    rendered with a marker there (registro.paginas_en_memoria)."""

    clave = None

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        self._key = self.clave or nuevo_reto()
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id")

    def audio_url(self):
        if not audio_captcha.disponible():
            return None
        return reverse("captcha_audio", args=[self._key])


class CampoCaptcha(CaptchaField):
    """django-simple-captcha's field, with the challenge used up in the statement that reads
    it. The library reads the challenge and then deletes it, so two submissions of one solved
    image at the same instant both passed; and it swept every expired challenge on each
    validation (three more round trips), which purgar_vencidos does every hour anyway."""

    _GASTAR = (
        "DELETE FROM captcha_captchastore WHERE hashkey = %s AND expiration > %s RETURNING response"
    )

    def clean(self, value):
        forms.MultiValueField.clean(self, value)  # "required" and "incomplete"
        clave, escrito = value[0], (value[1] or "").strip().lower()
        with connection.cursor() as cursor:
            sin_esperar_al_disco(cursor, self._GASTAR, [clave, timezone.now()])
            reto = cursor.fetchone()
        # A wrong answer uses the challenge up too: one attempt per image.
        if reto is None or reto[0] != escrito:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class RegistroUsuarioForm(UserCreationForm):
    """Step 2: the account for the derechohabiente found in step 1 (never taken from the form)."""

    password1 = CampoContrasena(label=_("Contraseña"))
    password2 = CampoContrasena(label=_("Confirmar contraseña"))
    captcha = CampoCaptcha(
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
            },
            "email": {
                "required": _("Escriba su correo electrónico."),
                "invalid": _("Escriba un correo electrónico válido, como nombre@dominio.mx"),
            },
        }

    def __init__(self, *args, derechohabiente: Derechohabiente, **kwargs):
        # Its account, if it has one (the view loads it with the derechohabiente). One from
        # the previous version is this form's instance, so that its own user name and e-mail
        # may be kept; none of its data is shown (the CURP is no secret).
        self.cuenta = getattr(derechohabiente, "usuario", None)
        anterior = self.cuenta is not None and self.cuenta.de_version_anterior
        kwargs["instance"] = self.cuenta if anterior else None
        kwargs["initial"] = {"username": "", "email": "", **kwargs.get("initial", {})}
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
        # Django's own check compares UPPER(username), which no index has, and would refuse
        # the old account's own name; the model's constraint check does neither.
        return self.cleaned_data.get("username")

    def clean(self):
        if self.cuenta is not None and not self.cuenta.de_version_anterior:
            raise ValidationError(CURP_CON_CUENTA, code="curp_con_cuenta")
        return super().clean()

    def validate_unique(self):
        # Django's check of the exact user name. The model's constraints, checked before,
        # already refused it in any case; after a race the unique indexes do (flows).
        pass


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

    curp = BusquedaCurpForm.base_fields["curp"]
    email = forms.EmailField(
        label=_("Correo electrónico"),
        error_messages={
            "required": _("Escriba su correo electrónico."),
            "invalid": _("Escriba un correo electrónico válido, como nombre@dominio.mx"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_curp(self) -> str:
        return curp.validar(self.cleaned_data["curp"])


class CambioCorreoForm(forms.Form):
    """A new e-mail address, confirmed with the current password."""

    email = forms.EmailField(
        label=_("Correo electrónico nuevo"),
        error_messages=RecordarUsuarioForm.base_fields["email"].error_messages,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = CampoContrasena(
        label=_("Contraseña actual"),
        autocomplete="current-password",
        error_messages={"required": _("Escriba su contraseña actual.")},
    )

    def __init__(self, *args, usuario: Usuario, **kwargs):
        super().__init__(*args, **kwargs)
        self.usuario = usuario

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() == self.usuario.email.lower():
            raise ValidationError(_("Ese ya es su correo electrónico."), code="igual")
        otras = Usuario.objects.exclude(pk=self.usuario.pk)
        if otras.filter(mismo_correo(email)).exists():
            raise ValidationError(CORREO_DUPLICADO, code="unique")
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.usuario.check_password(password):
            raise ValidationError(_("La contraseña actual no es correcta."), code="incorrecta")
        return password


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

    def get_users(self, email):
        cuentas = Usuario.objects.filter(mismo_correo(email), is_active=True)
        return (c for c in cuentas if c.has_usable_password())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Queued like every other message (registro.correo), not sent in the request."""
        ruta = reverse(
            "registro:recuperar_contrasena_confirmar",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        enlace = f"{context['protocol']}://{context['domain']}{ruta}"
        contexto = {"usuario": context["user"].get_username(), "enlace": enlace}
        correo.enviar("recuperar_contrasena", context["email"], contexto)
