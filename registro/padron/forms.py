from django import forms
from django.utils.translation import gettext_lazy as _

from . import curp


class CampoCurp(forms.CharField):
    """A CURP as people type it (spaces, hyphens, lower case), cleaned to its 18 characters;
    a wrong one is refused saying which part is wrong."""

    def __init__(self, **kwargs):
        super().__init__(
            label="CURP",
            max_length=40,  # room for the spaces and hyphens people type; 18 once normalised
            help_text=_("Clave Única de Registro de Población: 18 letras y números."),
            error_messages={"required": curp.MENSAJES["vacia"]},
            widget=forms.TextInput(
                attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
            ),
            **kwargs,
        )

    def clean(self, value) -> str:
        return curp.validar(super().clean(value))
