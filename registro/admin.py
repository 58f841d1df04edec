"""Staff screens: the registry of derechohabientes and the accounts tied to it."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Derechohabiente, Usuario


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
    list_display = ("username", "email", "derechohabiente", "is_active", "is_staff", "date_joined")
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
    fieldsets = UserAdmin.fieldsets + ((_("Derechohabiente"), {"fields": ("derechohabiente",)}),)
