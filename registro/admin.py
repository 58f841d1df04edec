"""Staff screens: the registry of derechohabientes and the accounts tied to it."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from . import flows
from .models import Derechohabiente, Usuario
from .views_cuenta import url_absoluta


class UsuarioInline(admin.StackedInline):
    model = Usuario
    fields = ("username", "email", "is_active", "date_joined", "last_login")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name = _("cuenta en la Oficina Virtual")


@admin.register(Derechohabiente)
class DerechohabienteAdmin(admin.ModelAdmin):
    list_display = ("curp", "primer_apellido", "segundo_apellido", "nombre", "tipo", "con_cuenta")
    list_filter = ("tipo",)
    search_fields = ("^curp", "nombre", "primer_apellido", "segundo_apellido")
    readonly_fields = ("creado", "actualizado")
    inlines = [UsuarioInline]

    @admin.display(boolean=True, description=_("con cuenta"))
    def con_cuenta(self, obj):
        return hasattr(obj, "usuario")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("usuario")


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "derechohabiente",
        "is_active",
        "correo_confirmado_en",
        "de_version_anterior",
        "last_login",
        "date_joined",
    )
    list_filter = (
        "is_active",
        "de_version_anterior",
        "is_staff",
        ("correo_confirmado_en", admin.EmptyFieldListFilter),
    )
    actions = ["activar", "desactivar", "reenviar_confirmacion"]
    list_select_related = ("derechohabiente",)
    search_fields = (
        "username",
        "email",
        "^derechohabiente__curp",
        "derechohabiente__nombre",
        "derechohabiente__primer_apellido",
        "derechohabiente__segundo_apellido",
        "first_name",
        "last_name",
    )
    raw_id_fields = ("derechohabiente",)
    fieldsets = UserAdmin.fieldsets + (
        (
            _("Oficina Virtual"),
            {
                "fields": (
                    "derechohabiente",
                    "correo_confirmado_en",
                    "correo_pendiente",
                    "de_version_anterior",
                )
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def _cambiar_estado(self, request, cuentas, activa: bool, mensaje: str):
        cambiadas = 0
        for cuenta in cuentas.exclude(is_active=activa):
            cuenta.is_active = activa
            cuenta.save(update_fields=["is_active"])
            self.log_change(request, cuenta, mensaje)
            cambiadas += 1
        self.message_user(request, _("Cuentas cambiadas: %(n)d.") % {"n": cambiadas})

    @admin.action(description=_("Activar las cuentas seleccionadas"))
    def activar(self, request, queryset):
        self._cambiar_estado(request, queryset, True, str(_("Cuenta activada.")))

    @admin.action(description=_("Desactivar las cuentas seleccionadas"))
    def desactivar(self, request, queryset):
        self._cambiar_estado(request, queryset, False, str(_("Cuenta desactivada.")))

    @admin.action(description=_("Enviar de nuevo el correo de confirmación"))
    def reenviar_confirmacion(self, request, queryset):
        url_para = url_absoluta(request)("registro:confirmar_correo")
        enviados = 0
        for cuenta in queryset.filter(correo_confirmado_en__isnull=True).exclude(email=""):
            if flows.enviar_confirmacion(cuenta, url_para):
                self.log_change(request, cuenta, str(_("Correo de confirmación enviado de nuevo.")))
                enviados += 1
        self.message_user(request, _("Correos de confirmación enviados: %(n)d.") % {"n": enviados})
