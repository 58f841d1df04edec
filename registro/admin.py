"""Staff screens: the registry of derechohabientes and the accounts tied to it.

Built for the national registry (~14 million rows): see registro.admin_escala for the
search, count, filter and export pieces. Two groups (migration 0006) give the rights:
"Mesa de ayuda" only looks; "Administradores del registro" changes, adds, deletes and exports.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from . import curp, flows
from .admin_escala import (
    CuentaFilter,
    PaginadorEstimado,
    buscar_cuentas,
    buscar_derechohabientes,
    respuesta_csv,
    sin_cuentas_de_personal_ajenas,
)
from .models import CorreoPorEnviar, Derechohabiente, Usuario
from .views_cuenta import url_absoluta

# Derived from the CURP and the names by Derechohabiente.save(): shown, never typed.
DERIVADOS = ("fecha_nacimiento", "sexo", "entidad", "clave_nombre")


class DerechohabienteForm(forms.ModelForm):
    def clean_curp(self):
        # As the registry stores it (capitals, no separators), so that the unique index and
        # the exact search find it.
        return curp.normalizar(self.cleaned_data["curp"])


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
    form = DerechohabienteForm
    list_display = ("curp", "apellidos_y_nombre", "tipo", "vigente", "con_cuenta")
    # Only what an index can sort: any other column would sort millions of rows.
    sortable_by = ("curp", "apellidos_y_nombre")
    list_filter = ("tipo", "vigente", CuentaFilter)
    # Only makes the search box appear: get_search_results decides what is searched.
    search_fields = ("curp", "clave_nombre")
    search_help_text = _(
        "CURP completa o inicio del nombre: APELLIDO APELLIDO NOMBRE "
        "(por ejemplo «EJEMPLO PRUEBA AN»). También sirve el inicio de la CURP. "
        "Mayúsculas y acentos dan igual."
    )
    ordering = ("clave_nombre",)
    paginator = PaginadorEstimado
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["exportar_csv"]
    fieldsets = (
        (None, {"fields": ("curp", "nombre", "primer_apellido", "segundo_apellido")}),
        (_("Situación"), {"fields": ("tipo", "vigente")}),
        (_("Según la CURP y el nombre"), {"fields": DERIVADOS}),
        (_("Registro"), {"fields": ("creado", "actualizado")}),
    )
    readonly_fields = (*DERIVADOS, "creado", "actualizado")
    inlines = [UsuarioInline]

    @admin.display(description=_("apellidos y nombre"), ordering="clave_nombre")
    def apellidos_y_nombre(self, obj):
        return " ".join(p for p in (obj.primer_apellido, obj.segundo_apellido, obj.nombre) if p)

    @admin.display(boolean=True, description=_("con cuenta"))
    def con_cuenta(self, obj):
        return obj.id_de_cuenta is not None

    def get_queryset(self, request):
        # A LEFT JOIN on the account's unique derechohabiente_id: one row per derechohabiente,
        # and for a page an index probe per row. (An EXISTS in the SELECT list is planned for
        # the whole table, not the page, and becomes a hash of every account.)
        return super().get_queryset(request).annotate(id_de_cuenta=F("usuario__id"))

    def get_search_results(self, request, queryset, search_term):
        return buscar_derechohabientes(queryset, search_term), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "curp" in form.base_fields:
            # Shown in its field, never taken from the request: the CURP names the person.
            campo = form.base_fields["curp"]
            campo.disabled = True
            campo.help_text = _("La CURP no se cambia: identifica a la persona en el registro.")
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Confirming a deletion lists every object: across pages that is millions of rows.
        actions.pop("delete_selected", None)
        return actions

    def has_exportar_permission(self, request):
        return request.user.has_perm("registro.exportar_derechohabiente")

    @admin.action(description=_("Exportar a CSV"), permissions=["exportar"])
    def exportar_csv(self, request, queryset):
        return respuesta_csv(request, queryset)


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
    sortable_by = ("username",)
    list_filter = (
        "is_active",
        "de_version_anterior",
        "is_staff",
        ("correo_confirmado_en", admin.EmptyFieldListFilter),
    )
    actions = ["activar", "desactivar", "reenviar_confirmacion"]
    list_select_related = ("derechohabiente",)
    # Only makes the search box appear: get_search_results decides what is searched.
    search_fields = ("username", "email", "derechohabiente__curp")
    search_help_text = _(
        "Nombre de usuario o correo electrónico completos, CURP completa o su inicio, "
        "o inicio del nombre: APELLIDO APELLIDO NOMBRE."
    )
    paginator = PaginadorEstimado
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
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

    def get_search_results(self, request, queryset, search_term):
        return buscar_cuentas(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        campos = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            # Who is staff and with which rights is for superusers to decide.
            campos = (*campos, "is_staff", "is_superuser", "groups", "user_permissions")
        return campos

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and sin_cuentas_de_personal_ajenas(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and sin_cuentas_de_personal_ajenas(
            request, obj
        )

    def _cambiar_estado(self, request, cuentas, activa: bool, mensaje: str):
        cambiadas = 0
        for cuenta in cuentas.exclude(is_active=activa):
            if not sin_cuentas_de_personal_ajenas(request, cuenta):
                continue
            cuenta.is_active = activa
            cuenta.save(update_fields=["is_active"])
            self.log_change(request, cuenta, mensaje)
            cambiadas += 1
        self.message_user(request, _("Cuentas cambiadas: %(n)d.") % {"n": cambiadas})

    @admin.action(description=_("Activar las cuentas seleccionadas"), permissions=["change"])
    def activar(self, request, queryset):
        self._cambiar_estado(request, queryset, True, str(_("Cuenta activada.")))

    @admin.action(description=_("Desactivar las cuentas seleccionadas"), permissions=["change"])
    def desactivar(self, request, queryset):
        self._cambiar_estado(request, queryset, False, str(_("Cuenta desactivada.")))

    @admin.action(
        description=_("Enviar de nuevo el correo de confirmación"), permissions=["change"]
    )
    def reenviar_confirmacion(self, request, queryset):
        url_para = url_absoluta(request)("registro:confirmar_correo")
        cuentas = queryset.filter(correo_confirmado_en__isnull=True).exclude(email="")
        for cuenta in cuentas:  # evaluated once: len() below reads the same rows
            flows.enviar_confirmacion(cuenta, url_para)
            self.log_change(
                request, cuenta, str(_("Correo de confirmación puesto en cola de nuevo."))
            )
        # Queued, not yet sent: they go out as soon as the mail server takes them.
        self.message_user(
            request,
            _(
                "Correos de confirmación puestos en la cola de envío: %(n)d. Salen en cuanto el "
                "servidor de correo los acepta; los que esperan están en «Correos por enviar»."
            )
            % {"n": len(cuentas)},
        )


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
