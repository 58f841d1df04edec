"""Mi actividad (registro/cuentas/actividad/): what happened to the account, from which device,
the e-mail that warns its owner, and "No fui yo"."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registro.cuentas.actividad import dispositivos
from registro.models import Actividad

from ..conftest import CONTRASENA, MI_OFICINA, enlace_del_correo, ingresar

pytestmark = pytest.mark.django_db

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155M) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
MI_ACTIVIDAD = reverse("cuentas:mi_actividad")


def telefono(agente=ANDROID, direccion="201.141.23.77") -> Client:
    return Client(HTTP_USER_AGENT=agente, REMOTE_ADDR=direccion)


def alertas(buzon) -> list:
    return [m for m in buzon() if m.subject.startswith("Aviso de seguridad")]


@pytest.mark.parametrize(
    ("agente", "descripcion"),
    [
        (ANDROID, "Chrome en Android"),
        (IPHONE, "Safari en iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox en Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge en Windows"),
        ("curl/8.5.0", "Navegador desconocido"),
        ("", "Navegador desconocido"),
    ],
)  # fmt: skip
def test_el_dispositivo_se_describe_como_lo_reconoce_una_persona(agente, descripcion):
    assert dispositivos.describir(agente) == descripcion


def test_la_direccion_se_guarda_recortada():
    assert dispositivos.recortar("201.141.23.77") == "201.141.23.x"
    assert dispositivos.recortar("2806:10be:7:2f1::1") == "2806:10be:7::/48"
    assert dispositivos.recortar("no es una dirección") == ""


def test_mi_actividad_muestra_ingresos_y_fallos_con_dispositivo_y_direccion(confirmada):
    cliente = telefono()
    ingresar(cliente, "ana.ejemplo", "equivocada")
    ingresar(cliente, "ANA.EJEMPLO")

    pagina = cliente.get(MI_ACTIVIDAD).content.decode()

    assert pagina.index("Ingresó a la Oficina Virtual") < pagina.index(
        "Intento de ingresar con una contraseña equivocada"
    )  # newest first
    assert pagina.count("Chrome en Android") == 2 and "dirección 201.141.23.x" in pagina
    assert "201.141.23.77" not in pagina
    assert "Mi actividad" in cliente.get(MI_OFICINA).content.decode()
    entrada = Actividad.objects.filter(tipo="ingreso").get()
    local = timezone.localtime(entrada.momento)
    assert f"{local:%H:%M}" in pagina  # America/Mexico_City
    # For machines, to the second (HTML takes no more than milliseconds), with its offset.
    assert re.search(rf'<time datetime="{local:%Y-%m-%dT%H:%M:%S}[+-]\d\d:\d\d">', pagina)


def test_un_ingreso_desde_un_dispositivo_nuevo_avisa_por_correo(confirmada, buzon):
    conocido = telefono()
    ingresar(conocido, "ana.ejemplo")  # the first sign-in of all: no news
    conocido.post(reverse("cuentas:salir"))
    ingresar(conocido, "ana.ejemplo")  # the same device, known by its cookie
    assert alertas(buzon) == []

    ingresar(telefono(IPHONE, "189.203.1.9"), "ana.ejemplo")

    (aviso,) = alertas(buzon)
    assert aviso.to == ["ana.ejemplo@correo.example"]
    assert "Ingresó a la Oficina Virtual" in aviso.body and "Safari en iPhone" in aviso.body
    assert "189.203.1.x" in aviso.body and "189.203.1.9" not in aviso.body
    assert re.search(r"/oficina-virtual/no-fui-yo/\S+/", aviso.body)


def test_cambiar_la_contrasena_avisa_por_correo(confirmada, buzon):
    cliente = telefono()
    ingresar(cliente, "ana.ejemplo")
    nueva = "Otra Clave Ñ 2026"
    cliente.post(
        reverse("cuentas:cambiar_contrasena"),
        {"old_password": CONTRASENA, "new_password1": nueva, "new_password2": nueva},
    )
    (aviso,) = alertas(buzon)
    assert "Cambió su contraseña" in aviso.body
    assert Actividad.objects.filter(tipo="contrasena").exists()


def test_no_fui_yo_desde_el_correo_cierra_todo_y_pide_una_contrasena_nueva(confirmada, buzon):
    dueno, intruso = telefono(), telefono(IPHONE, "189.203.1.9")
    ingresar(dueno, "ana.ejemplo")
    ingresar(intruso, "ana.ejemplo")
    (aviso,) = alertas(buzon)
    enlace = re.search(r"https?://[^/\s]+(/oficina-virtual/no-fui-yo/\S+/)", aviso.body).group(1)

    pagina = Client().get(enlace).content.decode()  # no sign-in needed
    assert "Safari en iPhone" in pagina and "Proteger mi cuenta" in pagina
    respuesta = Client().post(enlace)

    assert "Protegimos su cuenta" in respuesta.content.decode()
    assert intruso.get(MI_OFICINA).status_code == 302 and dueno.get(MI_OFICINA).status_code == 302
    assert ingresar(Client(), "ana.ejemplo").status_code == 200  # the password no longer works
    recuperacion = buzon()[-1]
    assert recuperacion.subject == "Elija una contraseña nueva para la Oficina Virtual"
    assert Actividad.objects.get(dispositivo="Safari en iPhone", tipo="ingreso").reportada_en
    # Once.
    assert Client().post(enlace).status_code == 400
    assert Client().get(enlace[:-5] + "xxxx/").status_code == 400


def test_no_fui_yo_desde_mi_actividad(confirmada, buzon):
    cliente = telefono()
    ingresar(cliente, "ana.ejemplo", "equivocada")
    ingresar(cliente, "ana.ejemplo")
    fallo = Actividad.objects.get(tipo="ingreso_fallido")

    respuesta = cliente.post(reverse("cuentas:no_fui_yo_en_mi_actividad", args=[fallo.pk]))

    assert "Protegimos su cuenta" in respuesta.content.decode()
    assert cliente.get(MI_OFICINA).status_code == 302
    fallo.refresh_from_db()
    assert fallo.reportada_en is not None
    # Another person's entry is not theirs to report.
    otra = Client()
    otra.force_login(confirmada.__class__.objects.create_user("otra.persona"))
    ajena = Actividad.objects.create(usuario=confirmada, tipo="ingreso")
    assert (
        otra.post(reverse("cuentas:no_fui_yo_en_mi_actividad", args=[ajena.pk])).status_code == 404
    )
    ajena.refresh_from_db()
    assert ajena.reportada_en is None


def test_la_actividad_se_guarda_12_meses(confirmada, settings):
    vieja = Actividad.objects.create(usuario=confirmada, tipo="ingreso", dispositivo="Viejo")
    Actividad.objects.filter(pk=vieja.pk).update(
        momento=timezone.now() - datetime.timedelta(days=settings.ACTIVIDAD_DIAS + 1)
    )
    reciente = Actividad.objects.create(usuario=confirmada, tipo="ingreso", dispositivo="Nuevo")

    call_command("purgar_vencidos")

    assert list(Actividad.objects.all()) == [reciente]


def test_no_fui_yo_de_un_cambio_de_correo_devuelve_la_cuenta_a_la_direccion_anterior(
    confirmada, buzon
):
    intruso = telefono(IPHONE, "189.203.1.9")
    ingresar(intruso, "ana.ejemplo")
    intruso.post(
        reverse("cuentas:cambiar_correo"),
        {"email": "intruso@correo.example", "password": CONTRASENA},
    )
    intruso.get(enlace_del_correo(buzon()[-1]))
    confirmada.refresh_from_db()
    assert confirmada.email == "intruso@correo.example"
    aviso = buzon()[-1]
    assert aviso.to == ["ana.ejemplo@correo.example"]
    assert "alguien más conoce su contraseña" in aviso.body
    enlace = re.search(r"https?://[^/\s]+(/oficina-virtual/no-fui-yo/\S+/)", aviso.body).group(1)

    Client().post(enlace)

    confirmada.refresh_from_db()
    assert confirmada.email == "ana.ejemplo@correo.example"
    assert intruso.get(MI_OFICINA).status_code == 302
    recuperacion = buzon()[-1]
    assert recuperacion.to == ["ana.ejemplo@correo.example"]
    assert recuperacion.subject == "Elija una contraseña nueva para la Oficina Virtual"
    cambio = Actividad.objects.get(tipo="correo")
    assert cambio.correo_anterior == "ana.ejemplo@correo.example" and cambio.reportada_en
