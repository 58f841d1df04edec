"""The codes a person types: at login, and the app's first code when setting it up."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CodigoForm(forms.Form):
    """The second step of a login: a code from the authenticator app or a recovery code."""

    codigo = forms.CharField(
        label=_("Código"),
        max_length=20,
        strip=True,
        error_messages={"required": _("Escriba el código.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class CodigoDeLaAppForm(forms.Form):
    """The app's first code, which proves it was set up right."""

    codigo = forms.CharField(
        label=_("Código de 6 dígitos"),
        error_messages={"required": _("Escriba el código de 6 dígitos que muestra la app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_codigo(self):
        codigo = "".join(self.cleaned_data["codigo"].split())
        if not (codigo.isdigit() and len(codigo) == 6):
            raise ValidationError(_("El código son 6 dígitos, como 123456."), code="forma")
        return codigo
