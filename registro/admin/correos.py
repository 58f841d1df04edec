from django.contrib import admin

from ..models import CorreoPorEnviar


@admin.register(CorreoPorEnviar)
class CorreoPorEnviarAdmin(admin.ModelAdmin):
    """The mail queue, to watch: what waits, since when, and why the last attempt failed.
    Read-only, and without the message's context (its links open accounts)."""

    list_display = ["plantilla", "destinatario", "creado_en", "intentos", "siguiente_intento"]
    list_filter = ["plantilla"]
    fields = [*list_display, "ultimo_error"]
    ordering = ["siguiente_intento"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
