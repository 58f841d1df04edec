"""Pages kept rendered per process (portal.paginas_en_memoria) still answer each visitor."""

import pytest
from django.test import Client
from django.urls import reverse

from portal import paginas_en_memoria
from registro.mensajes import BUSQUE_PRIMERO
from registro.models import Usuario

from .conftest import CONTRASENA, ficha_csrf, respuesta_captcha

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
    Usuario.objects.create_user(
        "ines", "ines@correo.example", CONTRASENA, derechohabiente=derechohabiente
    )
    oficina = reverse("portal:oficina")
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
    oficina = client.get(reverse("portal:oficina")).content.decode()
    assert 'href="/en/oficina-virtual/"' in oficina


def test_con_parametros_la_pagina_se_genera_como_siempre(client):
    respuesta = client.get("/?utm_source=correo")
    assert respuesta.status_code == 200 and "Servicios en Línea" in respuesta.content.decode()


# Step 2 ("Crear usuario") is kept with holes for the name, the captcha and the CSRF token.

PASO_2 = reverse("registro:usuario")


def _en_paso_2(derechohabiente, **opciones) -> Client:
    cliente = Client(enforce_csrf_checks=True, **opciones)
    pagina = cliente.get(PASO_1).content.decode()
    datos = {"curp": derechohabiente.curp, "csrfmiddlewaretoken": ficha_csrf(pagina)}
    assert cliente.post(PASO_1, datos).status_code == 302
    return cliente


def test_en_el_paso_2_cada_quien_ve_su_nombre_y_su_captcha_y_crea_su_cuenta(
    crear_derechohabiente,
):
    ana = crear_derechohabiente(nombre="Ana", primer_apellido="Ejemplo")
    jorge = crear_derechohabiente(nombre="Jorge", primer_apellido="Muestra", segundo_apellido="")
    personas = [(ana, _en_paso_2(ana)), (jorge, _en_paso_2(jorge))]
    paginas = [cliente.get(PASO_2).content.decode() for _, cliente in personas]

    assert "<strong>A*** E*** P***</strong>" in paginas[0] and "J***" not in paginas[0]
    assert "<strong>J*** M***</strong>" in paginas[1] and "A***" not in paginas[1]
    claves = [respuesta_captcha(pagina)["captcha_0"] for pagina in paginas]
    assert claves[0] != claves[1]
    assert ficha_csrf(paginas[0]) != ficha_csrf(paginas[1])
    for pagina, clave in zip(paginas, claves, strict=True):
        assert f'src="/captcha/image/{clave}/"' in pagina
        assert not any(marca in pagina for marca in paginas_en_memoria._MARCAS.values())
        assert "csrf-" not in pagina
    for (persona, cliente), pagina in zip(personas, paginas, strict=True):
        usuario = persona.nombre.lower()
        datos = {
            "csrfmiddlewaretoken": ficha_csrf(pagina),
            "username": usuario,
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "email": f"{usuario}@correo.example",
            **respuesta_captcha(pagina),
        }
        assert cliente.post(PASO_2, datos).url == reverse("registro:creado")
        assert Usuario.objects.get(username=usuario).derechohabiente == persona


def test_en_el_paso_2_quien_ingreso_ve_su_encabezado(client, crear_derechohabiente):
    ines = crear_derechohabiente(nombre="Inés")
    visitante = _en_paso_2(crear_derechohabiente(nombre="Ana"))
    assert ">Ingresar<" in visitante.get(PASO_2).content.decode()  # the copy is kept
    client.force_login(Usuario.objects.create_user("ines", "ines@correo.example", CONTRASENA))
    client.post(PASO_1, {"curp": ines.curp})
    html = client.get(PASO_2).content.decode()
    assert "Salir" in html and ">Ingresar<" not in html
    assert "<strong>I*** E*** P***</strong>" in html


def test_en_el_paso_2_en_ingles_se_ve_en_ingles(crear_derechohabiente):
    ana = crear_derechohabiente()
    _en_paso_2(ana).get(PASO_2)  # the Spanish copy is kept
    cliente = _en_paso_2(ana)
    html = cliente.get("/en" + PASO_2).content.decode()
    assert 'lang="en"' in html and "Create user" in html
