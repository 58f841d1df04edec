"""The portal's own pages (portal/views.py): what this replica does not build says so, the
Oficina Virtual home invites to register, and its links lead through the registration."""

import pytest
from django.urls import reverse

from registro.models import Usuario

from .conftest import CONTRASENA, SERVICIOS_DEL_INSTRUCTIVO, Enlaces, pagina, respuesta_captcha

pytestmark = pytest.mark.django_db


def test_lo_que_no_es_de_esta_replica_lo_dice_y_ofrece_volver(client):
    enlaces = Enlaces(pagina(client, "/"))
    otros = ["Contacto", "Transparencia", "Comunicados y boletines", "MÁS INFORMACIÓN"]
    for texto in SERVICIOS_DEL_INSTRUCTIVO[1:] + otros:
        html = pagina(client, enlaces.href(texto))
        assert "no forma parte de esta réplica" in html
        assert Enlaces(html).href("Volver al inicio") == "/"


def test_una_seccion_desconocida_es_404(client):
    assert client.get("/servicios/no-existe/").status_code == 404


def test_la_oficina_virtual_invita_a_registrarse(client):
    html = pagina(client, reverse("portal:oficina"))
    assert "Estimado Derechohabiente:" in html
    assert "El ISSSTE mantiene firme su compromiso de mejorar constantemente los servicios" in html
    assert "es necesario <a" in html and "repitiendo el proceso de registro" in html
    assert Enlaces(html).href("registrarse") == reverse("registro:curp")
    assert Enlaces(html).href("actualizarla") == reverse("registro:curp")


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


@pytest.mark.parametrize("desde", ["/", "/oficina-virtual/", "/oficina-virtual/registro/"])
def test_el_pie_de_cada_pagina_lleva_al_aviso_y_a_la_accesibilidad(client, desde):
    enlaces = Enlaces(pagina(client, desde))
    assert enlaces.href("Aviso de privacidad") == reverse("portal:aviso_de_privacidad")
    assert enlaces.href("Accesibilidad") == reverse("portal:accesibilidad")


def test_la_declaracion_de_accesibilidad_dice_que_se_revisa_y_como_reportar(client):
    html = pagina(client, reverse("portal:accesibilidad"))
    assert "WCAG) 2.2, nivel AA" in html
    for revisado in ("axe-core", "teclado", "versión en audio", "sin JavaScript"):
        assert revisado in html
    assert "Cómo reportar una barrera" in html
    ingles = pagina(client, "/en" + reverse("portal:accesibilidad"))
    assert "Accessibility statement" in ingles and "How to report a barrier" in ingles


def test_el_aviso_de_privacidad_explica_como_ejercer_los_derechos_arco(client):
    html = pagina(client, reverse("portal:aviso_de_privacidad"))
    for derecho in ("Acceso:", "Rectificación:", "Cancelación:", "Oposición:"):
        assert derecho in html
    assert "Unidad de Transparencia" in html and "recurso de revisión" in html
    assert "un documento que acredite su identidad" in html
