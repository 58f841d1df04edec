from django.contrib.auth.views import LogoutView
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import flows, views
from .actividad import flows as actividad_flows
from .actividad import views as actividad
from .mensajes import CONTRASENA_RECUPERADA, RECUPERACION_ENVIADA, USUARIO_ENVIADO
from .segundo_factor import views as segundo_factor

app_name = "cuentas"

urlpatterns = [
    path("oficina-virtual/ingresar/", views.IngresarView.as_view(), name="ingresar"),
    path("oficina-virtual/salir/", LogoutView.as_view(), name="salir"),
    path("oficina-virtual/mi-oficina/", views.mi_oficina, name="mi_oficina"),
    path(
        "oficina-virtual/mi-oficina/cerrar-sesiones/",
        views.cerrar_sesiones,
        name="cerrar_sesiones",
    ),
    path("oficina-virtual/seguir/", views.seguir_en_la_sesion, name="seguir_en_la_sesion"),
    path("oficina-virtual/mi-oficina/actividad/", actividad.mi_actividad, name="mi_actividad"),
    path(
        "oficina-virtual/mi-oficina/actividad/<int:pk>/no-fui-yo/",
        actividad.no_fui_yo_en_mi_actividad,
        name="no_fui_yo_en_mi_actividad",
    ),
    path(
        "oficina-virtual/no-fui-yo/<str:token>/", actividad.NoFuiYoView.as_view(), name="no_fui_yo"
    ),
    path(
        "oficina-virtual/ingresar/codigo/",
        segundo_factor.IngresarCodigoView.as_view(),
        name="ingresar_codigo",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/",
        segundo_factor.segundo_factor,
        name="segundo_factor",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/activar/",
        segundo_factor.ActivarSegundoFactorView.as_view(),
        name="activar_segundo_factor",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/codigos-nuevos/",
        segundo_factor.CodigosNuevosView.as_view(),
        name="codigos_nuevos",
    ),
    path(
        "oficina-virtual/mi-oficina/confirmar/",
        segundo_factor.ConfirmarConCodigoView.as_view(),
        name="confirmar_con_codigo",
    ),
    path(
        "oficina-virtual/ingresar/llave/opciones/",
        segundo_factor.opciones_para_ingresar_con_llave,
        name="opciones_para_ingresar_con_llave",
    ),
    path(
        "oficina-virtual/ingresar/llave/",
        segundo_factor.ingresar_con_llave,
        name="ingresar_con_llave",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/llaves/opciones/",
        segundo_factor.opciones_para_agregar_llave,
        name="opciones_para_agregar_llave",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/llaves/agregar/",
        segundo_factor.agregar_llave,
        name="agregar_llave",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/codigos/",
        segundo_factor.codigos_de_recuperacion,
        name="codigos_de_recuperacion",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/llaves/<int:pk>/quitar/",
        segundo_factor.QuitarLlaveView.as_view(),
        name="quitar_llave",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/cambiar-app/",
        segundo_factor.CambiarAppView.as_view(),
        name="cambiar_app",
    ),
    path(
        "oficina-virtual/mi-oficina/verificacion-en-dos-pasos/quitar/",
        segundo_factor.QuitarSegundoFactorView.as_view(),
        name="quitar_segundo_factor",
    ),
    path(
        "oficina-virtual/mi-oficina/contrasena/",
        views.CambiarContrasenaView.as_view(),
        name="cambiar_contrasena",
    ),
    path(
        "oficina-virtual/mi-oficina/correo/",
        views.CambiarCorreoView.as_view(),
        name="cambiar_correo",
    ),
    path(
        "oficina-virtual/confirmar/reenviar/",
        views.reenviar_confirmacion,
        name="reenviar_confirmacion",
    ),
    path(
        "oficina-virtual/confirmar/<str:token>/",
        views.SeguirEnlaceView.as_view(
            flujo=flows.confirmar_correo,
            hecho=(
                _("Correo confirmado"),
                _(
                    "Su correo electrónico quedó confirmado. Ya puede ingresar a la Oficina "
                    "Virtual."
                ),
            ),
            fallido=_("No se pudo confirmar el correo"),
        ),
        name="confirmar_correo",
    ),
    path(
        "oficina-virtual/correo-nuevo/<str:token>/",
        views.SeguirEnlaceView.as_view(
            flujo=flows.confirmar_cambio_de_correo,
            hecho=(
                _("Correo cambiado"),
                _(
                    "Su correo electrónico cambió. Los próximos avisos llegarán a la dirección "
                    "nueva."
                ),
            ),
            fallido=_("No se pudo cambiar el correo"),
            despues=actividad_flows.correo_cambiado,
        ),
        name="confirmar_cambio_correo",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/",
        views.RecuperarContrasenaView.as_view(),
        name="recuperar_contrasena",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/enviado/",
        views.aviso(_("Revise su correo"), RECUPERACION_ENVIADA),
        name="recuperar_contrasena_enviado",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/listo/",
        views.aviso(_("Contraseña guardada"), CONTRASENA_RECUPERADA),
        name="recuperar_contrasena_listo",
    ),
    path(
        "oficina-virtual/recuperar/contrasena/<uidb64>/<token>/",
        views.RecuperarContrasenaConfirmarView.as_view(),
        name="recuperar_contrasena_confirmar",
    ),
    path(
        "oficina-virtual/recuperar/usuario/",
        views.RecordarUsuarioView.as_view(),
        name="recordar_usuario",
    ),
    path(
        "oficina-virtual/recuperar/usuario/enviado/",
        views.aviso(_("Revise su correo"), USUARIO_ENVIADO),
        name="recordar_usuario_enviado",
    ),
]
