"""The account's pages (registro/cuentas/views.py, forms.py, flows.py): e-mail confirmation,
login and Mi Oficina Virtual, recovery of a password or user name, changes, and what reading
the accounts costs when there are many."""

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registro.models import Derechohabiente, Usuario
from registro.padron import sinteticos

from ..conftest import (
    CONTRASENA,
    INGRESAR,
    MI_OFICINA,
    enlace_del_correo,
    error_de_ingreso,
    ingresar,
    planes,
)

pytestmark = pytest.mark.django_db

OTRA = "Otra Clave Ñ 2026"


# E-mail confirmation


def test_crear_usuario_envia_el_enlace_de_confirmacion(registrado, client):
    usuario, correo = registrado
    assert correo.to == ["ana.ejemplo@correo.example"]
    assert correo.subject == "Confirme su correo de la Oficina Virtual"
    assert "ana.ejemplo" in correo.body and "24 horas" in correo.body
    html, tipo = correo.alternatives[0]
    assert tipo == "text/html" and enlace_del_correo(correo) in html
    assert usuario.email not in enlace_del_correo(correo)  # no personal data in the URL
    assert not usuario.correo_confirmado


def test_la_pagina_de_usuario_creado_dice_a_donde_se_envio(cliente_en_paso_2, registrado):
    pagina = cliente_en_paso_2.get(reverse("registro:creado")).content.decode()
    assert "Le enviamos un correo a <strong>ana.ejemplo@correo.example</strong>" in pagina


def test_sin_confirmar_no_ingresa_y_puede_pedir_otro_enlace(client, registrado, buzon):
    respuesta = ingresar(client, "ana.ejemplo")
    assert "Todavía no confirma su correo electrónico" in error_de_ingreso(respuesta)
    assert "Enviar de nuevo el enlace de confirmación" in respuesta.content.decode()
    assert "_auth_user_id" not in client.session

    client.post(reverse("cuentas:reenviar_confirmacion"), follow=True)
    assert len(buzon()) == 2
    client.get(enlace_del_correo(buzon()[-1]))
    assert ingresar(client, "ana.ejemplo").url == MI_OFICINA


def test_reenviar_sin_haber_probado_la_contrasena_no_envia_nada(client, registrado, buzon):
    client.post(reverse("cuentas:reenviar_confirmacion"))
    assert len(buzon()) == 1


# Login, Mi Oficina Virtual, logout


def test_ingresar_sin_importar_mayusculas_y_ver_mi_oficina(client, confirmada):
    assert ingresar(client, "ANA.Ejemplo").url == MI_OFICINA
    pagina = client.get(MI_OFICINA).content.decode()
    curp = confirmada.derechohabiente.curp
    assert "Ana Ejemplo Prueba" in pagina
    assert "*" * 14 + curp[-4:] in pagina and curp not in pagina
    assert "ana.ejemplo@correo.example" in pagina
    assert "Trabajador" in pagina
    assert "Agenda TU Cita Médica" in pagina and "Aún no disponible" in pagina


def test_mi_oficina_pide_ingresar(client):
    assert client.get(MI_OFICINA).url == f"{INGRESAR}?next={MI_OFICINA}"


def test_salir(client, confirmada):
    ingresar(client, "ana.ejemplo")
    respuesta = client.post(reverse("cuentas:salir"))
    assert respuesta.url == reverse("portal:oficina")
    assert client.get(MI_OFICINA).status_code == 302


# Recovery


def test_olvido_su_contrasena_responde_igual_exista_o_no(client, confirmada, buzon):
    url = reverse("cuentas:recuperar_contrasena")
    sin_cuenta = client.post(url, {"email": "nadie@correo.example"}, follow=True)
    con_cuenta = client.post(url, {"email": "ANA.ejemplo@correo.example"}, follow=True)
    assert sin_cuenta.content == con_cuenta.content
    assert "Si ese correo electrónico corresponde a una cuenta" in con_cuenta.content.decode()
    assert len(buzon()) == 2  # the confirmation, then one reset message
    assert buzon()[-1].subject == "Elija una contraseña nueva para la Oficina Virtual"


def recuperar(client, buzon) -> str:
    client.post(reverse("cuentas:recuperar_contrasena"), {"email": "ana.ejemplo@correo.example"})
    return enlace_del_correo(buzon()[-1])


def test_recuperar_la_contrasena_con_el_enlace(client, confirmada, buzon):
    enlace = recuperar(client, buzon)
    formulario = client.get(enlace, follow=True)
    destino = formulario.redirect_chain[-1][0]
    nueva = {"new_password1": OTRA, "new_password2": OTRA}
    respuesta = client.post(destino, nueva, follow=True)
    assert "Su contraseña nueva quedó guardada" in respuesta.content.decode()
    assert "no son correctos" in error_de_ingreso(ingresar(Client(), "ana.ejemplo"))
    assert ingresar(Client(), "ana.ejemplo", OTRA).url == MI_OFICINA
    # The same link again: used.
    otra_vez = client.get(enlace, follow=True).content.decode()
    assert "ya se usó" in otra_vez


@pytest.mark.parametrize("problema", ["alterado", "vencido"])
def test_un_enlace_de_recuperacion_alterado_o_vencido_no_sirve(
    client, confirmada, buzon, monkeypatch, problema
):
    enlace = recuperar(client, buzon)
    if problema == "alterado":
        enlace = enlace[:-4] + "zzz/"
    else:
        ahora = PasswordResetTokenGenerator._now
        monkeypatch.setattr(
            PasswordResetTokenGenerator,
            "_now",
            lambda self: ahora(self).replace(year=ahora(self).year + 1),
        )
    pagina = client.get(enlace, follow=True).content.decode()
    assert "ya se usó o ya no corresponde" in pagina
    assert "Pedir un enlace nuevo" in pagina
    confirmada.refresh_from_db()
    assert confirmada.check_password(CONTRASENA)


def test_olvido_su_usuario_lo_envia_por_correo(client, confirmada, buzon):
    url = reverse("cuentas:recordar_usuario")
    curp = confirmada.derechohabiente.curp
    equivocado = client.post(url, {"curp": curp, "email": "otra@correo.example"}, follow=True)
    correcto = client.post(url, {"curp": curp.lower(), "email": confirmada.email}, follow=True)
    assert equivocado.content == correcto.content
    assert "ana.ejemplo" not in correcto.content.decode()
    assert len(buzon()) == 2
    assert buzon()[-1].to == [confirmada.email]
    assert "Su nombre de usuario de la Oficina Virtual del ISSSTE es: ana.ejemplo" in (
        buzon()[-1].body
    )


def test_olvido_su_usuario_valida_la_curp(client):
    url = reverse("cuentas:recordar_usuario")
    respuesta = client.post(url, {"curp": "BOXW310820HNERXN08", "email": "a@correo.example"})
    assert "dígito verificador" in " ".join(respuesta.context["form"].errors["curp"])


# Changes from Mi Oficina Virtual


def test_cambiar_la_contrasena_pide_la_actual(client, confirmada):
    ingresar(client, "ana.ejemplo")
    url = reverse("cuentas:cambiar_contrasena")
    mal = client.post(url, {"old_password": "no es", "new_password1": OTRA, "new_password2": OTRA})
    assert mal.context["form"].errors["old_password"]
    bien = client.post(
        url, {"old_password": CONTRASENA, "new_password1": OTRA, "new_password2": OTRA}
    )
    assert bien.url == MI_OFICINA
    assert client.get(MI_OFICINA).status_code == 200  # still logged in
    confirmada.refresh_from_db()
    assert confirmada.check_password(OTRA)


def test_cambiar_el_correo_se_confirma_en_la_direccion_nueva(client, confirmada, buzon):
    ingresar(client, "ana.ejemplo")
    url = reverse("cuentas:cambiar_correo")
    mal = client.post(url, {"email": "nueva@correo.example", "password": "no es"})
    assert "no es correcta" in " ".join(mal.context["form"].errors["password"])
    client.post(url, {"email": "nueva@correo.example", "password": CONTRASENA})
    confirmada.refresh_from_db()
    assert confirmada.email == "ana.ejemplo@correo.example"  # not yet
    assert buzon()[-1].to == ["nueva@correo.example"]

    enlace = enlace_del_correo(buzon()[-1])
    assert "correo electrónico cambió" in client.get(enlace).content.decode()
    confirmada.refresh_from_db()
    assert confirmada.email == "nueva@correo.example"
    assert client.get(enlace).status_code == 400  # single use

    # The old address is told, with the new one masked, in case it was not its owner.
    aviso = buzon()[-1]
    assert aviso.to == ["ana.ejemplo@correo.example"]
    assert aviso.subject == "El correo de su cuenta de la Oficina Virtual cambió"
    assert "«ana.ejemplo»" in aviso.body and "cambió a n***@correo.example" in aviso.body
    assert "nueva@" not in aviso.body + aviso.alternatives[0].content
    assert "alguien más conoce su contraseña" in aviso.body
    assert "puede ignorarlo" not in aviso.body


def test_no_se_cambia_a_un_correo_de_otra_cuenta(client, confirmada):
    Usuario.objects.create_user("otra", "Ocupado@correo.example", CONTRASENA)
    ingresar(client, "ana.ejemplo")
    url = reverse("cuentas:cambiar_correo")
    respuesta = client.post(url, {"email": "ocupado@correo.example", "password": CONTRASENA})
    assert "ya está registrado" in " ".join(respuesta.context["form"].errors["email"])


# What reading the accounts costs when there are many


@pytest.fixture
def muchas_cuentas(db):
    """20,000 other derechohabientes with their accounts, analysed, so that PostgreSQL plans
    as on a big registry: a read that no index answers shows up as "Seq Scan" in EXPLAIN."""
    otros = Derechohabiente.objects.bulk_create(
        [
            Derechohabiente(**datos, clave_nombre=f"{datos['primer_apellido']} {datos['nombre']}")
            for datos in sinteticos.generar(20_000, semilla=3030)
        ],
        batch_size=5000,
    )
    Usuario.objects.bulk_create(
        [
            Usuario(
                username=f"cuenta.{n}",
                email=f"cuenta.{n}@correo.example",
                password="!",
                derechohabiente=otro,
            )
            for n, otro in enumerate(otros)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registro_derechohabiente, registro_usuario")


def test_crear_usuario_no_recorre_todas_las_cuentas(
    cliente_en_paso_2, datos_registro, muchas_cuentas
):
    with CaptureQueriesContext(connection) as consultas:
        respuesta = cliente_en_paso_2.post(reverse("registro:usuario"), datos_registro())
    assert respuesta.status_code == 302
    for plan in planes(consultas, "registro_usuario"):
        assert "Seq Scan on registro_usuario" not in plan, plan


CON_CORREO = {
    "cambiar_correo": {"email": "nueva@correo.example", "password": CONTRASENA},
    "recuperar_contrasena": {"email": "ana.ejemplo@correo.example"},
    "recordar_usuario": {"curp": "<curp>", "email": "ana.ejemplo@correo.example"},
}


@pytest.mark.parametrize("pagina", CON_CORREO)
def test_las_paginas_con_correo_no_recorren_todas_las_cuentas(
    client, confirmada, muchas_cuentas, pagina
):
    ingresar(client, "ana.ejemplo")
    datos = {
        k: v.replace("<curp>", confirmada.derechohabiente.curp)
        for k, v in CON_CORREO[pagina].items()
    }
    with CaptureQueriesContext(connection) as consultas:
        respuesta = client.post(reverse(f"cuentas:{pagina}"), datos)
    assert respuesta.status_code == 302
    for plan in planes(consultas, "registro_usuario"):
        assert "Seq Scan on registro_usuario" not in plan, plan
