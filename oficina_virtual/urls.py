from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import metricas, views

handler500 = "oficina_virtual.views.error_del_servidor"

# Spanish pages live at /…, English ones at /en/…; admin and captcha images need no language.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("salud/", views.salud, name="salud"),
    path("salud/vivo/", views.vivo, name="salud_vivo"),
    path("salud/lista/", views.lista, name="salud_lista"),
    path("metricas/", metricas.metricas, name="metricas"),
    path("captcha/", include("registro.captcha.urls")),
    *i18n_patterns(
        path("", include("portal.urls")),
        path("", include("registro.urls")),
        path("", include("registro.cuentas.urls")),
        prefix_default_language=False,
    ),
]
