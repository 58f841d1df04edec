"""The portal's menus (portal/menu.py): "Servicios en Línea" in the instructivo's order, the
one entry built here, "Versión Móvil"."""

import re

import pytest
from django.urls import reverse

from .conftest import SERVICIOS_DEL_INSTRUCTIVO, Enlaces, pagina

pytestmark = pytest.mark.django_db


def test_el_menu_servicios_en_linea_tiene_los_nueve_del_instructivo_en_orden(client):
    html = pagina(client, "/")
    menu = html[html.index(">Servicios en Línea</button>") :]
    menu = menu[: menu.index("</ul>")]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", menu) == SERVICIOS_DEL_INSTRUCTIVO


def test_mi_oficina_virtual_lleva_a_la_oficina_virtual(client):
    assert Enlaces(pagina(client, "/")).href("Mi Oficina Virtual") == reverse("portal:oficina")


def test_version_movil_es_el_mismo_sitio_adaptable(client):
    assert Enlaces(pagina(client, "/")).href("Versión Móvil") == "/"
