from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from registro import audio_captcha, imagen_captcha, views

handler500 = "registro.views.error_del_servidor"

# Spanish pages live at /…, English ones at /en/…; admin and captcha images need no language.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("salud/", views.salud, name="salud"),
    # Captcha keys are 40 hexadecimal digits (SHA-1); anything else is not even looked up.
    re_path(
        r"^captcha/audio/(?P<clave>[0-9a-f]{40})\.wav$", audio_captcha.audio, name="captcha_audio"
    ),
    re_path(
        r"^captcha/image/(?P<clave>[0-9a-f]{40})/$", imagen_captcha.imagen, name="captcha_imagen"
    ),
    path("captcha/", include("captcha.urls")),
    *i18n_patterns(path("", include("registro.urls")), prefix_default_language=False),
]
