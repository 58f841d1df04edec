"""The portal's menus, in the seed's order. Only "Mi Oficina Virtual" is built here."""

from django.utils.translation import gettext_lazy as _

MI_OFICINA_VIRTUAL = "mi-oficina-virtual"

SERVICIOS_EN_LINEA = [
    (MI_OFICINA_VIRTUAL, _("Mi Oficina Virtual")),
    ("agenda-tu-cita-medica", _("Agenda TU Cita Médica")),
    ("comprobantes-de-pago-a-pensionistas", _("Comprobantes de Pago a Pensionistas")),
    ("consulta-e-imprime-tu-curp", _("Consulta e Imprime tu CURP")),
    ("pago-de-cuotas-y-aportaciones", _("Pago de Cuotas y Aportaciones")),
    ("tramite-de-prestamos-personales", _("Trámite de Préstamos Personales")),
    ("inventario-medicamentos", _("Inventario Medicamentos y Mat. de Curación")),
    ("ventanilla-electronica-de-servicios", _("Ventanilla Electrónica de Servicios")),
    ("ver-mas-servicios", _("Ver más servicios")),
]

# The portal's main menu; "Servicios en Línea" opens the list above.
SERVICIOS_EN_LINEA_CLAVE = "servicios-en-linea"
MENU_PRINCIPAL = [
    ("derechohabientes", _("Derechos Habientes")),
    ("todo-el-publico", _("Todo el Público")),
    (SERVICIOS_EN_LINEA_CLAVE, _("Servicios en Línea")),
    ("instituto", _("Instituto")),
    ("transparencia", _("Transparencia")),
    ("issste-educa-e-investiga", _("ISSSTEduca e Investiga")),
]

# The header's general links after "Inicio" and "Versión Móvil" (both lead to the portal's home:
# this site is itself responsive); the seed shows "English" just before the last one.
ENLACES_SUPERIORES = [
    ("contacto", _("Contacto")),
    ("directorios", _("Directorios")),
    ("mapa-del-sitio", _("Mapa del sitio")),
]

OTRAS_SECCIONES = [
    ("fiebre-chikungunya", _("Todo sobre la fiebre chikungunya")),
    ("noticias", _("Noticias")),
    ("al-publico-en-general", _("Al público en general")),
    ("sala-de-prensa", _("Sala de Prensa")),
    ("buzon-del-director-general", _("Buzón del Director General")),
    ("servicios", _("Servicios")),
]

# Every page named in the menus that this replica does not build.
NO_DISPONIBLES = dict(
    SERVICIOS_EN_LINEA[1:] + MENU_PRINCIPAL + ENLACES_SUPERIORES + OTRAS_SECCIONES
)
