"""The mail queue's screen (registro/admin/correos.py): read-only, without the links."""

import pytest
from django.urls import reverse

from registro.models import CorreoPorEnviar

pytestmark = pytest.mark.django_db


def test_el_personal_ve_la_cola_sin_los_enlaces(admin_client, cliente_en_paso_2, datos_registro):
    cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    pendiente = CorreoPorEnviar.objects.get()
    lista = admin_client.get(reverse("admin:registro_correoporenviar_changelist"))
    ficha = admin_client.get(reverse("admin:registro_correoporenviar_change", args=[pendiente.pk]))
    for pagina in (lista, ficha):
        html = pagina.content.decode()
        assert pagina.status_code == 200
        assert "ana.ejemplo@correo.example" in html
        assert pendiente.contexto["enlace"] not in html
    assert reverse("admin:registro_correoporenviar_add") not in lista.content.decode()
