"""What every page's header and footer get (portal/context_processors.py): today's date in
Spanish, the notice that this is a replica."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import pagina

pytestmark = pytest.mark.django_db


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
