from django.contrib.auth.views import LogoutView
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import mensajes, views, views_cuenta

app_name = "registro"

urlpatterns = [
    path("", views.PortalView.as_view(), name="portal"),
    path("servicios/<slug:seccion>/", views.no_disponible, name="no_disponible"),
    path("oficina-virtual/", views.OficinaVirtualView.as_view(), name="oficina"),
    path("oficina-virtual/registro/", views.BuscarCurpView.as_view(), name="curp"),
    path("oficina-virtual/registro/usuario/", views.CrearUsuarioView.as_view(), name="usuario"),
    path("oficina-virtual/registro/usuario-creado/", views.usuario_creado, name="creado"),
    path("oficina-virtual/buscar/", views.buscar, name="buscar"),
    path(
        "oficina-virtual/aviso-de-privacidad/",
        views.aviso_de_privacidad,
        name="aviso_de_privacidad",
    ),
    # The account's life (views_cuenta)
    path("oficina-virtual/ingresar/", views_cuenta.IngresarView.as_view(), name="ingresar"),
    path("oficina-virtual/salir/", LogoutView.as_view(), name="salir"),
    path("oficina-virtual/mi-oficina/", views_cuenta.mi_oficina, name="mi_oficina"),
    path(
        "oficina-virtual/mi-oficina/contrasena/",
        views_cuenta.CambiarContrasenaView.as_view(),
        name="cambiar_contrasena",
    ),
    path(
        "oficina-virtual/mi-oficina/correo/",
        views_cuenta.CambiarCorreoView.as_view(),
        name="cambiar_correo",
    ),
    path(
        "oficina-virtual/confirmar/reenviar/",
        views_cuenta.reenviar_confirmacion,
        name="reenviar_confirmacion",
    ),
    path(
        "oficina-virtual/confirmar/<str:token>/",
        views_cuenta.confirmar_correo,
        name="confirmar_correo",
    ),
    path(
        "oficina-virtual/correo-nuevo/<str:token>/",
        views_cuenta.confirmar_cambio_correo,
        name="confirmar_cambio_correo",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/",
        views_cuenta.RecuperarContrasenaView.as_view(),
        name="recuperar_contrasena",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/enviado/",
        views_cuenta.aviso(_("Revise su correo"), mensajes.RECUPERACION_ENVIADA),
        name="recuperar_contrasena_enviado",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/listo/",
        views_cuenta.aviso(_("Contraseña guardada"), mensajes.CONTRASENA_RECUPERADA),
        name="recuperar_contrasena_listo",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/<uidb64>/<token>/",
        views_cuenta.RecuperarContrasenaConfirmarView.as_view(),
        name="recuperar_contrasena_confirmar",
    ),
    path(
        "oficina-virtual/recuperar/usuario/",
        views_cuenta.RecordarUsuarioView.as_view(),
        name="recordar_usuario",
    ),
    path(
        "oficina-virtual/recuperar/usuario/enviado/",
        views_cuenta.aviso(_("Revise su correo"), mensajes.USUARIO_ENVIADO),
        name="recordar_usuario_enviado",
    ),
]
