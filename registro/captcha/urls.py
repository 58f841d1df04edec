"""The captcha's URLs, outside the language prefix: an image or a sound has no language.
Our image, audio and refresh first, in place of the library's (whose names its widget
reverses, so they stay included after ours). No namespace: the library reverses its names
without one."""

from django.urls import include, path, re_path

from . import views

# Captcha keys are 40 hexadecimal digits (SHA-1); anything else is not even looked up.
urlpatterns = [
    re_path(r"^audio/(?P<clave>[0-9a-f]{40})\.wav$", views.audio, name="captcha_audio"),
    re_path(r"^image/(?P<clave>[0-9a-f]{40})/$", views.imagen, name="captcha_imagen"),
    path("refresh/", views.actualizar, name="captcha-refresh"),
    # The library's "@2" (double-size) address drew its own, OCR-readable image of the same
    # challenge: a way around ours. It gets ours.
    re_path(r"^image/(?P<clave>[0-9a-f]{40})@2/$", views.imagen),
    path("", include("captcha.urls")),
]
