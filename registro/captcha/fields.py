"""The captcha's form field and widget, on django-simple-captcha's."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import audio, reto


class ClaveDelReto(forms.HiddenInput):
    """The challenge's key, in place of the library's hidden input. Django gives each input
    of the field ``required`` and, after an error, ``aria-invalid``, and the library's adds
    ``autocomplete``: HTML allows none of them on a hidden input, so only the answer's input
    keeps them. (The library's autocomplete="off" keeps Firefox from putting back, on reload,
    a key that "Actualizar Imagen" changed; the form that holds the captcha says it instead:
    templates/registro/usuario.html and curp.html.)"""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        return {
            nombre: valor
            for nombre, valor in attrs.items()
            if nombre not in ("required", "autocomplete") and not nombre.startswith("aria-")
        }


class CaptchaConAudioWidget(CaptchaTextInput):
    """The image captcha plus, where espeak-ng is installed, its Spanish audio version.

    Given ``clave``, it shows that challenge instead of making one: step 2's page is kept
    rendered with a marker there (portal.paginas_en_memoria). Given ``espera`` (minutes), past
    the limit of new images (captcha.limites), it draws none and says when to ask again."""

    clave = None
    espera = None

    def __init__(self, attrs=None, **kwargs):
        super().__init__(attrs, **kwargs)
        self.widgets[0] = ClaveDelReto(attrs)

    def get_context(self, name, value, attrs):
        # Django takes a widget of several inputs for a fieldset and links none of them to
        # the field's error: the answer's input points at the message itself, as every other
        # input does (includes/campo_captcha.html gives it this id).
        if attrs and attrs.get("aria-invalid") and attrs.get("id"):
            attrs = {**attrs, "aria-describedby": f"{attrs['id']}_error"}
        if self.espera:  # no image to show, no key to reverse
            contexto = forms.MultiWidget.get_context(self, name, value, attrs)
            return {**contexto, "espera": self.espera}
        return super().get_context(name, value, attrs)

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        self._key = "" if self.espera else (self.clave or reto.nuevo_reto())
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id")

    def audio_url(self):
        return audio.url(self._key)


class CampoCaptcha(CaptchaField):
    """django-simple-captcha's field, with the challenge used up in the statement that reads
    it. The library reads the challenge and then deletes it, so two submissions of one solved
    image at the same instant both passed; and it swept every expired challenge on each
    validation (three more round trips), which purgar_vencidos does every hour anyway."""

    def clean(self, value):
        forms.MultiValueField.clean(self, value)  # "required" and "incomplete"
        clave, escrito = value[0], (value[1] or "").strip().lower()
        # A wrong answer uses the challenge up too: one attempt per image.
        if reto.gastar(clave) != escrito:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


ESCRIBA_EL_CODIGO = _("Escriba el código de la imagen.")


def campo_captcha(falta=ESCRIBA_EL_CODIGO) -> CampoCaptcha:
    """The field as a page shows it: "Escriba el código de la imagen", with its audio;
    ``falta`` is what the page says when no code was typed."""
    return CampoCaptcha(
        label=_("Escriba el código de la imagen"),
        widget=CaptchaConAudioWidget(),
        error_messages={
            "invalid": _(
                "El código no coincide con la imagen. Escriba el código de la imagen nueva."
            ),
            "required": falta,
            "incomplete": falta,
        },
    )
