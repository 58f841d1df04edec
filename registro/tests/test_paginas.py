import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from registro.models import Usuario

from .conftest import CONTRASENA, respuesta_captcha

pytestmark = pytest.mark.django_db

SERVICIOS_DEL_INSTRUCTIVO = [
    "Mi Oficina Virtual",
    "Agenda TU Cita Médica",
    "Comprobantes de Pago a Pensionistas",
    "Consulta e Imprime tu CURP",
    "Pago de Cuotas y Aportaciones",
    "Trámite de Préstamos Personales",
    "Inventario Medicamentos y Mat. de Curación",
    "Ventanilla Electrónica de Servicios",
    "Ver más servicios",
]


class Enlaces(HTMLParser):
    """The links of a page as a person reads them: text -> href."""

    def __init__(self, html: str):
        super().__init__()
        self.enlaces: list[tuple[str, str]] = []
        self._href = None
        self._texto = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._texto = dict(attrs).get("href"), ""

    def handle_data(self, data):
        if self._href is not None:
            self._texto += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.enlaces.append((" ".join(self._texto.split()), self._href))
            self._href = None

    def href(self, texto: str) -> str:
        encontrados = [href for t, href in self.enlaces if t == texto]
        assert len(encontrados) == 1, f"{texto!r} aparece {len(encontrados)} veces"
        return encontrados[0]


def pagina(client, url: str) -> str:
    respuesta = client.get(url)
    assert respuesta.status_code == 200, url
    return respuesta.content.decode()


def test_el_menu_servicios_en_linea_tiene_los_nueve_del_instructivo_en_orden(client):
    html = pagina(client, "/")
    menu = html[html.index(">Servicios en Línea</button>") :]
    menu = menu[: menu.index("</ul>")]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", menu) == SERVICIOS_DEL_INSTRUCTIVO


def test_mi_oficina_virtual_lleva_a_la_oficina_virtual(client):
    assert Enlaces(pagina(client, "/")).href("Mi Oficina Virtual") == reverse("portal:oficina")


def test_lo_que_no_es_de_esta_replica_lo_dice_y_ofrece_volver(client):
    enlaces = Enlaces(pagina(client, "/"))
    otros = ["Contacto", "Transparencia", "Comunicados y boletines", "MÁS INFORMACIÓN"]
    for texto in SERVICIOS_DEL_INSTRUCTIVO[1:] + otros:
        html = pagina(client, enlaces.href(texto))
        assert "no forma parte de esta réplica" in html
        assert Enlaces(html).href("Volver al inicio") == "/"


def test_version_movil_es_el_mismo_sitio_adaptable(client):
    assert Enlaces(pagina(client, "/")).href("Versión Móvil") == "/"


def test_una_seccion_desconocida_es_404(client):
    assert client.get("/servicios/no-existe/").status_code == 404


def test_la_oficina_virtual_invita_a_registrarse(client):
    html = pagina(client, reverse("portal:oficina"))
    assert "Estimado Derechohabiente:" in html
    assert "El ISSSTE mantiene firme su compromiso de mejorar constantemente los servicios" in html
    assert "es necesario <a" in html and "repitiendo el proceso de registro" in html
    assert Enlaces(html).href("registrarse") == reverse("registro:curp")
    assert Enlaces(html).href("actualizarla") == reverse("registro:curp")


def test_la_fecha_del_bloque_registro_va_en_espanol_y_minusculas(client, settings):
    # A browser set to English still gets the Spanish of the instructivo.
    html = client.get(reverse("portal:oficina"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = html.content.decode()
    hoy = timezone.localdate()
    dias = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    meses = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    esperado = f"{dias[hoy.weekday()]}, {hoy.day} de {meses[hoy.month - 1]} de {hoy.year}"
    assert f'<span class="fecha">{esperado}</span>' in html
    assert settings.TIME_ZONE == "America/Mexico_City"


def test_cada_pagina_dice_que_es_una_replica_salvo_que_se_apague(client, settings):
    aviso = "No tiene relación oficial con el ISSSTE"
    assert aviso in pagina(client, "/")
    assert aviso in pagina(client, reverse("registro:curp"))
    settings.AVISO_REPLICA = False
    assert aviso not in pagina(client, "/")


def test_el_recorrido_completo_desde_el_portal_siguiendo_lo_que_se_lee(client, derechohabiente):
    oficina = Enlaces(pagina(client, "/")).href("Mi Oficina Virtual")
    paso_1 = Enlaces(pagina(client, oficina)).href("registrarse")
    html = pagina(client, paso_1)
    assert "CURP:</label>" in html and ">Buscar</button>" in html

    respuesta = client.post(paso_1, {"curp": derechohabiente.curp}, follow=True)
    html = respuesta.content.decode()
    assert "Crear usuario</button>" in html

    respuesta = client.post(
        respuesta.redirect_chain[-1][0],
        {
            "username": "recorrido",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "email": "recorrido@correo.example",
            **respuesta_captcha(html),
        },
        follow=True,
    )
    assert "Su usuario <strong>recorrido</strong> quedó registrado" in respuesta.content.decode()
    assert Usuario.objects.get(username="recorrido").derechohabiente == derechohabiente
