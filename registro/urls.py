from django.urls import path

from . import views

app_name = "registro"

urlpatterns = [
    path("", views.PortalView.as_view(), name="portal"),
    path("servicios/<slug:seccion>/", views.no_disponible, name="no_disponible"),
    path("oficina-virtual/", views.OficinaVirtualView.as_view(), name="oficina"),
    path("oficina-virtual/registro/", views.BuscarCurpView.as_view(), name="curp"),
    path("oficina-virtual/registro/usuario/", views.CrearUsuarioView.as_view(), name="usuario"),
    path("oficina-virtual/registro/usuario-creado/", views.usuario_creado, name="creado"),
    path("oficina-virtual/buscar/", views.buscar, name="buscar"),
]
