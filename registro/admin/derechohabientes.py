"""Staff's screen of the registry of derechohabientes, with the account tied to each.

Built for the national registry (~14 million rows): searches by index (busqueda), counts
that stop (paginacion), a streamed export (exportacion). Two groups (migration 0006) give the
rights: "Mesa de ayuda" only looks; "Administradores del registro" changes, adds, deletes
and exports.
"""

from django import forms
from django.contrib import admin
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Derechohabiente, Usuario
from ..padron import curp
from .busqueda import buscar_derechohabientes
from .exportacion import respuesta_csv
from .paginacion import PaginadorEstimado

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


def tiene_cuenta() -> Exists:
    return Exists(Usuario.objects.filter(derechohabiente=OuterRef("pk")))


class CuentaFilter(admin.SimpleListFilter):
    """ "Con cuenta / sin cuenta": an ``EXISTS`` (semi-join), not a join that repeats rows."""

    title = _("cuenta en la Oficina Virtual")
    parameter_name = "cuenta"

    def lookups(self, request, model_admin):
        return [("con", _("Con cuenta")), ("sin", _("Sin cuenta"))]

    def queryset(self, request, queryset):
        if self.value() == "con":
            return queryset.filter(tiene_cuenta())
        if self.value() == "sin":
            return queryset.filter(~tiene_cuenta())
        return queryset


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
