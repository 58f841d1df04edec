from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.PortalView.as_view(), name="inicio"),
    path("servicios/<slug:seccion>/", views.no_disponible, name="no_disponible"),
    path("oficina-virtual/", views.OficinaVirtualView.as_view(), name="oficina"),
    path("oficina-virtual/buscar/", views.buscar, name="buscar"),
    path(
        "oficina-virtual/aviso-de-privacidad/",
        views.aviso_de_privacidad,
        name="aviso_de_privacidad",
    ),
    path("oficina-virtual/accesibilidad/", views.accesibilidad, name="accesibilidad"),
]
