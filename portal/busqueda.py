"""Site search: this replica's pages, found by the words of their title and description.

A query word matches a page word when it is that word or its beginning ("prest" finds
"Préstamos"), whatever the case and accents. Every query word must match (AND); Spanish
stop words are left out. Pages whose title has the words come before those whose
description has them.

Titles and descriptions are lazy translations, read with str() at search time; URLs are
reversed at search time too, never when this module is imported.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import menu

LONGITUD_MAXIMA = 100
MAXIMO_RESULTADOS = 20
PALABRAS_VACIAS = frozenset(
    ["de", "la", "el", "los", "las", "y", "en", "a", "mi", "tu", "del", "por", "para", "con"]
)

# The pages anyone can open. Registro step 2 and its confirmation need a session, so they
# are not listed. (url name, url args, title, description)
PAGINAS = [
    (
        "portal:inicio",
        (),
        _("Portal del ISSSTE"),
        _(
            "Página de inicio del portal: menú Servicios en Línea con Mi Oficina Virtual, "
            "noticias, avisos al público en general, sala de prensa y buzón del Director General."
        ),
    ),
    (
        "portal:oficina",
        (),
        _("Oficina Virtual"),
        _(
            "Página de inicio de Mi Oficina Virtual: bienvenida a los derechohabientes e "
            "invitación a registrarse; el registro también actualiza las cuentas anteriores."
        ),
    ),
    (
        "registro:curp",
        (),
        _("Registro: buscar CURP"),
        _(
            "Primer paso del registro en la Oficina Virtual: anote la clave CURP del trabajador "
            "y dé click en Buscar para después crear su usuario y contraseña."
        ),
    ),
]

# What a "no disponible" page is, by the menu that names it.
DESCRIPCIONES_NO_DISPONIBLES = [
    (
        menu.SERVICIOS_EN_LINEA,
        _("Servicio en línea del menú Servicios en Línea; no está disponible en esta réplica."),
    ),
    (
        menu.MENU_PRINCIPAL,
        _("Sección del menú principal del portal; no está disponible en esta réplica."),
    ),
    (
        menu.ENLACES_SUPERIORES,
        _("Enlace general del encabezado del portal; no está disponible en esta réplica."),
    ),
    (
        menu.OTRAS_SECCIONES,
        _("Sección de la página de inicio del portal; no está disponible en esta réplica."),
    ),
]
DESCRIPCION_NO_DISPONIBLE = _("Sección del portal que no está disponible en esta réplica.")


@dataclass(frozen=True)
class Resultado:
    titulo: str
    descripcion: str
    url: str


def normalizar(texto) -> str:
    """Lower case without accents: "Préstamos" -> "prestamos"."""
    descompuesto = unicodedata.normalize("NFKD", str(texto).casefold())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


def palabras(texto) -> list[str]:
    """The normalized words of a text, stop words left out, in order."""
    return [p for p in re.findall(r"\w+", normalizar(texto)) if p not in PALABRAS_VACIAS]


def recortar(consulta: str) -> str:
    """A query is read up to LONGITUD_MAXIMA characters; the rest is ignored."""
    return consulta[:LONGITUD_MAXIMA]


def _descripcion_no_disponible(clave: str):
    for lista, descripcion in DESCRIPCIONES_NO_DISPONIBLES:
        if any(clave == c for c, _titulo in lista):
            return descripcion
    return DESCRIPCION_NO_DISPONIBLE


def paginas() -> list[Resultado]:
    """Every page of the index, in the current language, with its URL."""
    indice = [
        Resultado(str(titulo), str(descripcion), reverse(nombre, args=args))
        for nombre, args, titulo, descripcion in PAGINAS
    ]
    indice += [
        Resultado(
            str(titulo),
            str(_descripcion_no_disponible(clave)),
            reverse("portal:no_disponible", args=[clave]),
        )
        for clave, titulo in menu.NO_DISPONIBLES.items()
    ]
    return indice


def _coincide(termino: str, palabras_pagina: list[str]) -> bool:
    return any(p.startswith(termino) for p in palabras_pagina)


def buscar(consulta: str) -> list[Resultado]:
    """The pages having every word of the query, best first, at most MAXIMO_RESULTADOS."""
    terminos = list(dict.fromkeys(palabras(recortar(consulta or ""))))
    if not terminos:
        return []
    encontrados = []
    for orden, pagina in enumerate(paginas()):
        en_titulo = palabras(pagina.titulo)
        en_descripcion = palabras(pagina.descripcion)
        if not all(_coincide(t, en_titulo + en_descripcion) for t in terminos):
            continue
        del_titulo = sum(_coincide(t, en_titulo) for t in terminos)
        exactos = sum(t in en_titulo or t in en_descripcion for t in terminos)
        encontrados.append(((-del_titulo, -exactos, orden), pagina))
    encontrados.sort(key=lambda par: par[0])
    return [pagina for _clave, pagina in encontrados[:MAXIMO_RESULTADOS]]
