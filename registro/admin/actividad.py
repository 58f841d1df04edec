from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Actividad


class ReportadaFilter(admin.SimpleListFilter):
    title = _("«No fui yo»")
    parameter_name = "reportada"

    def lookups(self, request, model_admin):
        return [("si", _("Reportada por la persona"))]

    def queryset(self, request, queryset):
        return queryset.filter(reportada_en__isnull=False) if self.value() == "si" else queryset


@admin.register(Actividad)
class ActividadAdmin(admin.ModelAdmin):
    """What happened to the accounts, and what their owners said was not them: to read, never
    to change. Search by the exact user name."""

    list_display = ["usuario", "tipo", "momento", "dispositivo", "direccion", "reportada_en"]
    list_filter = [ReportadaFilter, "tipo"]
    list_select_related = ["usuario"]
    search_fields = ["usuario__username__exact"]
    search_help_text = _("Nombre de usuario completo.")
    ordering = ["-momento"]
    fields = list_display
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
