"""Site search (portal/busqueda.py): the index and buscar(), and its results page."""

import re
from html import unescape

import pytest
from django.urls import reverse, set_script_prefix
from django.utils.functional import Promise

from portal import busqueda, menu

from .conftest import Enlaces

pytestmark = pytest.mark.django_db

URL = "/oficina-virtual/buscar/"
SIN_RESULTADOS = "Pruebe con otras palabras, por ejemplo «registro» o «CURP»."


def titulos(consulta: str) -> list[str]:
    return [resultado.titulo for resultado in busqueda.buscar(consulta)]


def resultados_en_pagina(html: str) -> list[tuple[str, str]]:
    """(title, href) of each result listed on the results page."""
    lista = re.search(r'<ul class="busqueda-resultados">(.*?)</ul>', html, re.S)
    return Enlaces(lista.group(1)).enlaces if lista else []


def buscar_en_pagina(client, consulta: str) -> str:
    respuesta = client.get(URL, {"q": consulta})
    assert respuesta.status_code == 200
    return respuesta.content.decode()


# The index and buscar()


def test_la_ruta_es_la_de_la_oficina_virtual():
    assert reverse("portal:buscar") == URL


def test_el_indice_tiene_las_paginas_publicas_y_cada_seccion_no_disponible():
    urls = [pagina.url for pagina in busqueda.paginas()]
    assert reverse("portal:inicio") in urls
    assert reverse("portal:oficina") in urls
    assert reverse("registro:curp") in urls
    for clave in menu.NO_DISPONIBLES:
        assert reverse("portal:no_disponible", args=[clave]) in urls
    assert reverse("registro:usuario") not in urls
    assert reverse("registro:creado") not in urls
    assert len(urls) == len(set(urls))
    assert all(pagina.titulo and pagina.descripcion for pagina in busqueda.paginas())


def test_registro_encuentra_el_paso_1_primero_por_su_titulo():
    encontrados = titulos("registro")
    assert encontrados[0] == "Registro: buscar CURP"
    # The Oficina Virtual home speaks of "el registro" only in its description.
    assert "Oficina Virtual" in encontrados[1:]


def test_curp_encuentra_la_consulta_del_curp_y_el_registro():
    for consulta in ("CURP", "curp", "Curp"):
        encontrados = titulos(consulta)
        assert "Consulta e Imprime tu CURP" in encontrados
        assert "Registro: buscar CURP" in encontrados


@pytest.mark.parametrize("consulta", ["préstamos", "prestamos", "PRÉSTAMOS", "Prést", "préstamo"])
def test_prestamos_con_o_sin_acentos_y_prefijos(consulta):
    assert titulos(consulta) == ["Trámite de Préstamos Personales"]


def test_todas_las_palabras_deben_coincidir():
    assert titulos("préstamos personales") == ["Trámite de Préstamos Personales"]
    assert titulos("préstamos curp") == []


def test_una_palabra_solo_coincide_desde_su_inicio():
    assert titulos("stamos") == []
    assert titulos("urp") == []


def test_las_palabras_vacias_no_cuentan():
    assert titulos("trámite de los préstamos para mi") == ["Trámite de Préstamos Personales"]
    assert titulos("de la y en") == []
    assert titulos("") == []
    assert titulos("   ") == []
    assert titulos("¿?¡!") == []


def test_a_lo_mas_veinte_resultados():
    assert len(busqueda.paginas()) > busqueda.MAXIMO_RESULTADOS
    assert len(busqueda.buscar("disponible")) == busqueda.MAXIMO_RESULTADOS


def test_una_consulta_larga_se_lee_hasta_cien_caracteres():
    assert titulos("préstamos " + "x" * 200) == []
    # Past the 100th character nothing is read, so the x's never come into play.
    assert titulos("préstamos" + " " * 200 + "xyz") == ["Trámite de Préstamos Personales"]
    assert titulos("x" * 100_000) == []


def test_el_indice_se_traduce_y_sus_urls_se_calculan_al_buscar():
    assert all(isinstance(titulo, Promise) for _n, _a, titulo, _d in busqueda.PAGINAS)
    assert all(isinstance(pagina.titulo, str) for pagina in busqueda.paginas())
    set_script_prefix("/prefijo/")
    try:
        assert busqueda.buscar("curp")[0].url == "/prefijo/oficina-virtual/registro/"
    finally:
        set_script_prefix("/")


# The results page


def test_la_pagina_de_registro_se_encuentra_y_se_puede_seguir(client):
    html = buscar_en_pagina(client, "registro")
    assert "<h1>Resultados de la búsqueda</h1>" in html
    enlaces = dict(resultados_en_pagina(html))
    assert enlaces["Registro: buscar CURP"] == reverse("registro:curp")
    assert "Primer paso del registro" in html


def test_curp_lista_la_consulta_del_curp_y_el_registro(client):
    html = buscar_en_pagina(client, "CURP")
    enlaces = dict(resultados_en_pagina(html))
    assert enlaces["Consulta e Imprime tu CURP"] == reverse(
        "portal:no_disponible", args=["consulta-e-imprime-tu-curp"]
    )
    assert enlaces["Registro: buscar CURP"] == reverse("registro:curp")
    assert "Se encontraron 2 resultados para «CURP»." in html


@pytest.mark.parametrize("consulta", ["préstamos", "prestamos"])
def test_prestamos_en_la_pagina(client, consulta):
    html = buscar_en_pagina(client, consulta)
    assert [t for t, _href in resultados_en_pagina(html)] == ["Trámite de Préstamos Personales"]
    assert f"Se encontró 1 resultado para «{consulta}»." in html


def test_una_palabra_sin_sentido_dice_que_no_hay_resultados(client):
    html = buscar_en_pagina(client, "zxqwv")
    assert f"No se encontró ninguna página con «zxqwv». {SIN_RESULTADOS}" in unescape(html)
    assert resultados_en_pagina(html) == []


def test_una_consulta_vacia_pide_palabras_sin_error(client):
    for html in (buscar_en_pagina(client, ""), client.get(URL).content.decode()):
        assert "Escriba una o más palabras para buscar" in html
        assert "No se encontró ninguna página" not in html
        assert resultados_en_pagina(html) == []
        assert 'value=""' in html


def test_el_html_de_la_consulta_se_escapa(client):
    consulta = '<script>alert("x")</script><b>registro</b>'
    html = buscar_en_pagina(client, consulta)
    assert "<script>" not in html
    assert "<b>registro" not in html
    assert "&lt;script&gt;" in html
    # Echoed in the count or no-match line and in the search field, always escaped.
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 2


def test_una_consulta_de_cien_kilobytes_responde(client):
    html = buscar_en_pagina(client, "préstamos " + "a" * 100_000)
    assert "No se encontró ninguna página" in html
    campo = re.search(r'<input type="search" id="busqueda-q" name="q" value="([^"]*)"', html)
    assert len(unescape(campo.group(1))) <= busqueda.LONGITUD_MAXIMA


@pytest.mark.parametrize("consulta", ["registro", "CURP", "préstamos", "servicios", "disponible"])
def test_cada_resultado_lleva_a_una_pagina_que_responde(client, consulta):
    enlaces = resultados_en_pagina(buscar_en_pagina(client, consulta))
    assert enlaces
    for titulo, href in enlaces:
        respuesta = client.get(href)
        assert respuesta.status_code == 200, (titulo, href)
        assert titulo in unescape(respuesta.content.decode())


def test_cada_pagina_del_indice_responde(client):
    for pagina in busqueda.paginas():
        assert client.get(pagina.url).status_code == 200, pagina.url


def test_el_formulario_tiene_la_etiqueta_buscar_y_el_boton_ir(client):
    html = buscar_en_pagina(client, "registro")
    formulario = re.search(r'<form role="search"[^>]*>(.*?)</form>', html, re.S)
    assert f'action="{URL}"' in formulario.group(0)
    assert 'method="get"' in formulario.group(0)
    campos = formulario.group(1)
    assert '<label for="busqueda-q">Buscar</label>' in campos
    assert '<input type="search" id="busqueda-q" name="q" value="registro"' in campos
    assert '<button type="submit" class="boton">IR</button>' in campos


def test_solo_responde_a_get(client):
    assert client.post(URL, {"q": "registro"}).status_code == 405
