"""Pages kept rendered per process (registro.paginas_en_memoria) still answer each visitor."""

import pytest
from django.test import Client
from django.urls import reverse

from registro.mensajes import BUSQUE_PRIMERO

from .conftest import CONTRASENA, ficha_csrf

pytestmark = pytest.mark.django_db

PASO_1 = reverse("registro:curp")


def test_cada_visitante_recibe_su_propia_ficha_y_puede_buscar(derechohabiente):
    primero, segundo = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pagina_1 = primero.get(PASO_1).content.decode()
    pagina_2 = segundo.get(PASO_1).content.decode()
    assert ficha_csrf(pagina_1) != ficha_csrf(pagina_2)
    assert "csrf-" not in pagina_1  # the kept copy's marker never reaches anyone
    for cliente, html in ((primero, pagina_1), (segundo, pagina_2)):
        datos = {"curp": derechohabiente.curp, "csrfmiddlewaretoken": ficha_csrf(html)}
        assert cliente.post(PASO_1, datos).url == reverse("registro:usuario")


def test_quien_ingreso_ve_su_encabezado_y_el_visitante_el_suyo(client, derechohabiente):
    from registro.models import Usuario

    Usuario.objects.create_user(
        "ines", "ines@correo.example", CONTRASENA, derechohabiente=derechohabiente
    )
    oficina = reverse("registro:oficina")
    assert "Ingresar" in Client().get(oficina).content.decode()
    client.force_login(Usuario.objects.get(username="ines"))
    html = client.get(oficina).content.decode()
    assert "Salir" in html and ">Ingresar<" not in html
    assert "Ingresar" in Client().get(oficina).content.decode()


def test_un_aviso_pendiente_se_muestra_aunque_la_pagina_este_guardada(client):
    Client().get(PASO_1)  # the anonymous copy is kept
    html = client.get(reverse("registro:usuario"), follow=True).content.decode()
    assert str(BUSQUE_PRIMERO) in html


def test_cada_idioma_y_cada_ruta_tiene_su_copia(client):
    espanol, ingles = client.get("/").content.decode(), client.get("/en/").content.decode()
    assert 'lang="es-MX"' in espanol and 'href="/en/"' in espanol
    assert 'lang="en"' in ingles and 'href="/"' in ingles
    oficina = client.get(reverse("registro:oficina")).content.decode()
    assert 'href="/en/oficina-virtual/"' in oficina


def test_con_parametros_la_pagina_se_genera_como_siempre(client):
    respuesta = client.get("/?utm_source=correo")
    assert respuesta.status_code == 200 and "Servicios en Línea" in respuesta.content.decode()
