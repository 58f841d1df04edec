from django.urls import path

from . import views

app_name = "registro"

urlpatterns = [
    path("oficina-virtual/registro/", views.BuscarCurpView.as_view(), name="curp"),
    path("oficina-virtual/registro/usuario/", views.CrearUsuarioView.as_view(), name="usuario"),
    path("oficina-virtual/registro/usuario-creado/", views.usuario_creado, name="creado"),
]
