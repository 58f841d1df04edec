"""The accounts screen's actions (registro/admin/usuarios.py) on accounts the registration
made: deactivate and activate, in the history; resend the confirmation; the last login."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registro.models import Usuario

from ..conftest import CONTRASENA, ingresar

pytestmark = pytest.mark.django_db


@pytest.fixture
def personal(client):
    Usuario.objects.create_superuser("jefa", "jefa@issste.example", CONTRASENA)
    client.post(reverse("admin:login"), {"username": "jefa", "password": CONTRASENA})
    return client


def accion(personal, nombre, cuenta):
    return personal.post(
        reverse("admin:registro_usuario_changelist"),
        {"action": nombre, "_selected_action": [cuenta.pk]},
        follow=True,
    )


def test_el_personal_desactiva_y_activa_y_queda_en_la_historia(personal, confirmada):
    accion(personal, "desactivar", confirmada)
    confirmada.refresh_from_db()
    assert not confirmada.is_active
    accion(personal, "activar", confirmada)
    confirmada.refresh_from_db()
    assert confirmada.is_active
    historia = LogEntry.objects.filter(object_id=str(confirmada.pk)).order_by("action_time")
    assert [e.change_message for e in historia] == ["Cuenta desactivada.", "Cuenta activada."]
    assert {e.user.username for e in historia} == {"jefa"}


def test_el_personal_reenvia_la_confirmacion(personal, registrado, buzon):
    usuario, _ = registrado
    pagina = accion(personal, "reenviar_confirmacion", usuario).content.decode()
    assert "Correos de confirmación puestos en la cola de envío: 1." in pagina
    assert len(buzon()) == 2 and buzon()[-1].to == [usuario.email]
    assert LogEntry.objects.get(object_id=str(usuario.pk)).change_message == (
        "Correo de confirmación puesto en cola de nuevo."
    )


def test_el_personal_ve_el_ultimo_ingreso(personal, confirmada):
    ingresar(Client(), "ana.ejemplo")
    pagina = personal.get(reverse("admin:registro_usuario_changelist")).content.decode()
    assert "column-last_login" in pagina
    confirmada.refresh_from_db()
    assert confirmada.last_login is not None


def test_el_personal_ve_la_verificacion_en_dos_pasos_y_la_quita_tras_la_ventanilla(
    personal, confirmada
):
    from registro.cuentas.segundo_factor import flows as segundo_factor
    from registro.models import AppAutenticadora, CodigoDeRecuperacion

    AppAutenticadora.objects.create(usuario=confirmada, secreto=segundo_factor.nuevo_secreto())
    codigos = segundo_factor.codigos_nuevos(confirmada)
    lista = personal.get(reverse("admin:registro_usuario_changelist")).content.decode()
    assert "column-dos_pasos" in lista
    ficha = personal.get(reverse("admin:registro_usuario_change", args=[confirmada.pk]))
    ficha = ficha.content.decode()
    assert "App autenticadora: desde el" in ficha and "recuperación sin usar: 10" in ficha
    secreto = AppAutenticadora.objects.get().secreto
    assert secreto not in ficha and not any(c.replace(" ", "") in ficha for c in codigos)

    pagina = accion(personal, "quitar_segundo_factor", confirmada).content.decode()
    assert "Cuentas sin verificación en dos pasos ahora: 1." in pagina
    assert not AppAutenticadora.objects.exists() and not CodigoDeRecuperacion.objects.exists()
    assert LogEntry.objects.get(object_id=str(confirmada.pk)).change_message == (
        "Verificación en dos pasos quitada tras comprobar la identidad en ventanilla."
    )
    assert ingresar(Client(), "ana.ejemplo").url == reverse("cuentas:mi_oficina")


def test_el_personal_ve_la_actividad_reciente_de_una_cuenta(personal, confirmada):
    from registro.models import Actividad

    Actividad.objects.create(
        usuario=confirmada,
        tipo="ingreso",
        dispositivo="Safari en iPhone",
        direccion="189.203.1.x",
        reportada_en=timezone.now(),
    )
    ficha = personal.get(reverse("admin:registro_usuario_change", args=[confirmada.pk]))
    ficha = ficha.content.decode()
    assert "Ingresó a la Oficina Virtual" in ficha and "Safari en iPhone" in ficha
    assert "189.203.1.x" in ficha and "No fui yo" in ficha
