"""Staff's screen of the Oficina Virtual accounts: find, activate or deactivate, resend the
confirmation, see whether the second factor is on and remove it after an identity check at a
counter; staff accounts are for superusers alone."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import fechas
from ..cuentas import enlaces, flows
from ..cuentas.segundo_factor import flows as segundo_factor
from ..models import AppAutenticadora, LlaveDeAcceso, Usuario
from .busqueda import buscar_cuentas
from .paginacion import PaginadorEstimado


def sin_cuentas_de_personal_ajenas(request, obj) -> bool:
    """Only superusers touch staff accounts (their passwords, rights and groups)."""
    return obj is None or request.user.is_superuser or not (obj.is_staff or obj.is_superuser)


ACTIVIDAD_EN_LA_FICHA = 20
QUITADA_EN_VENTANILLA = _(
    "Verificación en dos pasos quitada tras comprobar la identidad en ventanilla."
)


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "derechohabiente",
        "is_active",
        "correo_confirmado_en",
        "de_version_anterior",
        "dos_pasos",
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
    actions = ["activar", "desactivar", "reenviar_confirmacion", "quitar_segundo_factor"]
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
                    "segundo_factor",
                    "actividad_reciente",
                )
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "segundo_factor", "actividad_reciente")

    @admin.display(description=_("actividad reciente"))
    def actividad_reciente(self, obj):
        """The last entries of the person's "Mi actividad", as they see them, and their
        reports of "No fui yo"."""
        entradas = obj.actividad.order_by("-momento")[:ACTIVIDAD_EN_LA_FICHA] if obj.pk else []
        if not entradas:
            return _("Sin actividad registrada.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {} {}, {}, {}{}</li>",
                (
                    (
                        e.get_tipo_display(),
                        fechas.fecha(e.momento),
                        fechas.hora(e.momento),
                        e.dispositivo,
                        e.direccion,
                        _(" (la persona dijo: «No fui yo»)") if e.reportada_en else "",
                    )
                    for e in entradas
                ),
            ),
        )

    def get_queryset(self, request):
        con_app = AppAutenticadora.objects.filter(usuario=OuterRef("pk"))
        con_llave = LlaveDeAcceso.objects.filter(usuario=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(con_dos_pasos=Exists(con_app) | Exists(con_llave))
        )

    @admin.display(boolean=True, description=_("dos pasos"))
    def dos_pasos(self, obj):
        return obj.con_dos_pasos

    @admin.display(description=_("verificación en dos pasos"))
    def segundo_factor(self, obj):
        """Whether it is on and how many recovery codes are left: never a secret or a code."""
        if not segundo_factor.tiene(obj):
            return _("Desactivada")
        app = AppAutenticadora.objects.filter(usuario=obj).first()
        return _(
            "Activa. App autenticadora: %(app)s; llaves de acceso: %(llaves)d; códigos de "
            "recuperación sin usar: %(n)d"
        ) % {
            "app": _("desde el %(fecha)s") % {"fecha": fechas.fecha(app.activada_en)}
            if app
            else _("no"),
            "llaves": LlaveDeAcceso.objects.filter(usuario=obj).count(),
            "n": segundo_factor.codigos_restantes(obj),
        }

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
        description=_("Quitar la verificación en dos pasos (identidad comprobada en ventanilla)"),
        permissions=["change"],
    )
    def quitar_segundo_factor(self, request, queryset):
        """For a person who lost their phone and their codes, once a counter has checked who
        they are: the factor and the codes go, the history says who did it and why."""
        quitadas = 0
        for cuenta in queryset.filter(con_dos_pasos=True):
            if not sin_cuentas_de_personal_ajenas(request, cuenta):
                continue
            segundo_factor.quitar(cuenta)
            self.log_change(request, cuenta, str(QUITADA_EN_VENTANILLA))
            quitadas += 1
        self.message_user(
            request, _("Cuentas sin verificación en dos pasos ahora: %(n)d.") % {"n": quitadas}
        )

    @admin.action(
        description=_("Enviar de nuevo el correo de confirmación"), permissions=["change"]
    )
    def reenviar_confirmacion(self, request, queryset):
        url_para = enlaces.url_para(request, "cuentas:confirmar_correo")
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
