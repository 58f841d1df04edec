"""Steps 1 and 2 of the registration as a person goes through them (views, forms): the CURP
look-up, the user-creation form, each refusal explained beside its field."""

import re

import pytest
from django.urls import reverse

from registro.models import Usuario
from registro.views import CURP_ENCONTRADA

from .conftest import CONTRASENA, PASO_1, PASO_2, error_del_campo, respuesta_captcha

pytestmark = pytest.mark.django_db

CREADO = reverse("registro:creado")


def texto(respuesta) -> str:
    return respuesta.content.decode()


# Step 1: CURP and "Buscar"


def test_paso_1_pide_la_curp_con_el_boton_buscar(client):
    pagina = texto(client.get(PASO_1))
    assert '<label for="id_curp">CURP:</label>' in pagina
    assert ">Buscar</button>" in pagina


def test_el_aviso_de_privacidad_va_antes_de_pedir_la_curp(client):
    pagina = client.get(PASO_1).content.decode()
    assert pagina.index("Aviso de privacidad") < pagina.index('name="curp"')
    assert "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados" in (
        pagina
    )
    aviso = client.get(reverse("portal:aviso_de_privacidad")).content.decode()
    assert "derechos ARCO" in aviso


def test_la_curp_viaja_solo_en_el_cuerpo_de_un_post(client):
    pagina = client.get(PASO_1).content.decode()
    formulario = pagina[pagina.index('<form method="post" action="/oficina-virtual/registro/"') :]
    assert 'name="curp"' in formulario[: formulario.index("</form>")]


def test_una_curp_registrada_lleva_al_paso_2(client, derechohabiente):
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp.lower()})
    assert respuesta.status_code == 302
    assert respuesta.url == PASO_2
    assert client.session[CURP_ENCONTRADA] == derechohabiente.curp


@pytest.mark.parametrize(
    ("curp", "mensaje"),
    [
        ("BOXW310820HNERXN0", "La CURP tiene 18 caracteres; usted escribió 17."),
        ("BOXW310820HZZRXN09", "clave de una entidad federativa"),
        ("BOXW310820HNERXN08", "dígito verificador"),
        ("", "Escriba la CURP."),
        ("BOXW310820HNERXN09", "no está registrada como derechohabiente"),
    ],
)
def test_una_curp_rechazada_se_explica_junto_al_campo(client, derechohabiente, curp, mensaje):
    respuesta = client.post(PASO_1, {"curp": curp})
    assert respuesta.status_code == 200
    assert mensaje in error_del_campo(respuesta, "curp")
    assert 'id="id_curp_error"' in texto(respuesta)
    assert f'value="{curp}"' in texto(respuesta) or not curp
    assert CURP_ENCONTRADA not in client.session


def test_una_curp_con_cuenta_no_pasa_al_paso_2(client, derechohabiente):
    Usuario.objects.create_user(
        "ya.registrada", "ya@correo.example", CONTRASENA, derechohabiente=derechohabiente
    )
    respuesta = client.post(PASO_1, {"curp": derechohabiente.curp})
    assert "ya tiene una cuenta" in error_del_campo(respuesta, "curp")
    assert CURP_ENCONTRADA not in client.session


def test_una_cuenta_vigente_recibe_los_enlaces_de_recuperacion(client, confirmada):
    respuesta = client.post(reverse("registro:curp"), {"curp": confirmada.derechohabiente.curp})
    pagina = respuesta.content.decode()
    assert "ya tiene una cuenta" in pagina
    assert reverse("cuentas:recuperar_contrasena") in pagina
    assert reverse("cuentas:recordar_usuario") in pagina
    assert Usuario.objects.count() == 1


def test_quien_no_esta_vigente_no_puede_registrarse(client, crear_derechohabiente):
    baja = crear_derechohabiente(vigente=False)
    respuesta = client.post(PASO_1, {"curp": baja.curp})
    assert "no está vigente" in error_del_campo(respuesta, "curp")
    assert CURP_ENCONTRADA not in client.session


# Step 2: the user-creation form


def test_paso_2_muestra_los_textos_y_etiquetas_del_instructivo(cliente_en_paso_2):
    pagina = texto(cliente_en_paso_2.get(PASO_2))
    assert "Para tener acceso a la Oficina Virtual es necesario que construya su clave" in pagina
    assert "IMPORTANTE:</strong> Todos los campos son requeridos. La contraseña deberá" in pagina
    for etiqueta in (
        "Nombre de usuario",
        "Contraseña",
        "Confirmar contraseña",
        "Correo electrónico",
        "Escriba el código de la imagen",
    ):
        assert f"{etiqueta}:</label>" in pagina
    assert 'class="captcha-imagen"' in pagina
    assert ">Actualizar Imagen</button>" in pagina
    assert ">Crear usuario</button>" in pagina


def test_el_paso_2_muestra_el_nombre_enmascarado(cliente_en_paso_2, derechohabiente):
    pagina = cliente_en_paso_2.get(PASO_2).content.decode()
    assert "A*** E*** P***" in pagina
    assert derechohabiente.nombre_completo not in pagina
    assert "Ejemplo Prueba" not in pagina
    assert derechohabiente.curp not in pagina


def test_paso_2_sin_busqueda_vuelve_al_paso_1_con_un_mensaje(client):
    respuesta = client.get(PASO_2, follow=True)
    assert respuesta.redirect_chain == [(PASO_1, 302)]
    assert "primero escriba su CURP" in texto(respuesta)


def test_enviar_el_paso_2_sin_busqueda_no_crea_nada(client, derechohabiente):
    datos = {
        "username": "intruso",
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": "intruso@correo.example",
        "curp": derechohabiente.curp,
    }
    respuesta = client.post(PASO_2, datos)
    assert respuesta.status_code == 302
    assert respuesta.url == PASO_1
    assert not Usuario.objects.exists()


def test_crear_usuario_guarda_la_cuenta_ligada_al_derechohabiente(
    cliente_en_paso_2, datos_registro, derechohabiente
):
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(), follow=True)

    assert respuesta.redirect_chain == [(CREADO, 302)]
    assert "Su usuario <strong>ana.ejemplo</strong> quedó registrado" in texto(respuesta)
    usuario = Usuario.objects.get()
    assert usuario.username == "ana.ejemplo"
    assert usuario.email == "ana.ejemplo@correo.example"
    assert usuario.derechohabiente == derechohabiente
    assert usuario.password.startswith("argon2$")
    assert CURP_ENCONTRADA not in cliente_en_paso_2.session


def test_despues_de_crear_usuario_el_paso_2_ya_no_se_muestra(cliente_en_paso_2, datos_registro):
    cliente_en_paso_2.post(PASO_2, datos_registro())
    assert cliente_en_paso_2.get(PASO_2).url == PASO_1
    assert "ana.ejemplo" in texto(cliente_en_paso_2.get(CREADO))


def test_la_confirmacion_sin_registro_vuelve_al_paso_1(client):
    assert client.get(CREADO).url == PASO_1


@pytest.mark.parametrize(
    ("cambios", "campo", "mensaje"),
    [
        ({"username": ""}, "username", "Escriba un nombre de usuario."),
        ({"username": "ana ejemplo"}, "username", "nombre de usuario válido"),
        ({"password1": "", "password2": ""}, "password1", "Escriba una contraseña."),
        (
            {"password1": "Ab 3é5", "password2": "Ab 3é5"},
            "password1",
            "demasiado corta. Debe contener por lo menos 7 caracteres",
        ),
        ({"password1": "password", "password2": "password"}, "password1", "es muy común"),
        ({"password2": "mi clave ñandú 7"}, "password2", "La confirmación no coincide"),
        ({"email": ""}, "email", "Escriba su correo electrónico."),
        ({"email": "ana@"}, "email", "Escriba un correo electrónico válido"),
        ({"captcha_1": "zzzzz"}, "captcha", "no coincide con la imagen"),
        ({"captcha_1": ""}, "captcha", "Escriba el código de la imagen."),
    ],
)
def test_cada_rechazo_se_explica_y_no_escribe_nada(
    cliente_en_paso_2, datos_registro, cambios, campo, mensaje
):
    datos = datos_registro(**cambios)
    respuesta = cliente_en_paso_2.post(PASO_2, datos)

    assert respuesta.status_code == 200
    assert mensaje in error_del_campo(respuesta, campo)
    pagina = texto(respuesta)
    assert pagina.count("<title>Error: ") == 1
    assert 'id="resumen-errores"' in pagina
    assert CONTRASENA not in pagina  # passwords are never sent back
    if datos["username"]:
        assert f'value="{datos["username"]}"' in pagina
    if datos["email"]:
        assert f'value="{datos["email"]}"' in pagina
    assert not Usuario.objects.exists()
    assert cliente_en_paso_2.session[CURP_ENCONTRADA]  # the look-up is kept for the next try


def test_el_nombre_de_usuario_es_unico_sin_importar_mayusculas(cliente_en_paso_2, datos_registro):
    Usuario.objects.create_user("Ana.Ejemplo", "otra@correo.example", CONTRASENA)
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(username="ANA.ejemplo"))
    assert "ya está registrado" in error_del_campo(respuesta, "username")
    assert Usuario.objects.count() == 1


def test_el_correo_es_unico_sin_importar_mayusculas(cliente_en_paso_2, datos_registro):
    Usuario.objects.create_user("otra", "Ana.Ejemplo@Correo.example", CONTRASENA)
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro())
    assert "ya está registrado" in error_del_campo(respuesta, "email")
    assert Usuario.objects.count() == 1


@pytest.mark.parametrize("cuentas", ["una", "dos"])
def test_nombre_y_correo_tomados_se_senalan_a_la_vez(cliente_en_paso_2, datos_registro, cuentas):
    if cuentas == "una":
        Usuario.objects.create_user("Ana.Ejemplo", "ANA.EJEMPLO@correo.example", CONTRASENA)
    else:
        Usuario.objects.create_user("Ana.Ejemplo", "otra@correo.example", CONTRASENA)
        Usuario.objects.create_user("otra", "Ana.Ejemplo@Correo.example", CONTRASENA)
    respuesta = cliente_en_paso_2.post(PASO_2, datos_registro(username="ANA.ejemplo"))
    assert "ya está registrado" in error_del_campo(respuesta, "username")
    assert "ya está registrado" in error_del_campo(respuesta, "email")
    assert Usuario.objects.count() == {"una": 1, "dos": 2}[cuentas]


def test_el_derechohabiente_no_se_puede_cambiar_desde_el_formulario(
    cliente_en_paso_2, datos_registro, derechohabiente, crear_derechohabiente
):
    otro = crear_derechohabiente(nombre="Jorge", primer_apellido="Muestra")
    datos = datos_registro(curp=otro.curp, derechohabiente=otro.pk, derechohabiente_id=otro.pk)
    cliente_en_paso_2.post(PASO_2, datos)
    assert Usuario.objects.get().derechohabiente == derechohabiente


def test_una_sola_cuenta_por_derechohabiente(cliente_en_paso_2, datos_registro, derechohabiente):
    datos = datos_registro()
    # The same person finished the registration in another tab meanwhile.
    Usuario.objects.create_user(
        "otra.pestana", "otra@correo.example", CONTRASENA, derechohabiente=derechohabiente
    )
    respuesta = cliente_en_paso_2.post(PASO_2, datos)
    assert "ya tiene una cuenta" in " ".join(respuesta.context["form"].non_field_errors())
    assert Usuario.objects.count() == 1


def test_actualizar_imagen_sin_javascript_conserva_lo_escrito(cliente_en_paso_2, datos_registro):
    datos = datos_registro()
    respuesta = cliente_en_paso_2.post(PASO_2, {**datos, "actualizar_imagen": "1"})
    pagina = texto(respuesta)
    assert respuesta_captcha(pagina)["captcha_0"] != datos["captcha_0"]
    assert 'value="ana.ejemplo"' in pagina
    assert 'value="ana.ejemplo@correo.example"' in pagina
    assert CONTRASENA not in pagina
    assert "Error:" not in pagina
    assert not Usuario.objects.exists()


def test_la_clave_oculta_del_captcha_lleva_solo_lo_que_html_admite(
    cliente_en_paso_2, datos_registro
):
    pagina = texto(cliente_en_paso_2.post(PASO_2, datos_registro(captcha_1="zzzzz")))
    # No required, aria-* or autocomplete: those stay on the answer's input.
    clave = re.search(r'<input type="hidden" name="captcha_0"[^>]*>', pagina).group(0)
    assert re.fullmatch(
        r'<input type="hidden" name="captcha_0" value="\w+" id="id_captcha_0">', clave
    )
    respuesta = re.search(r'<input type="text" name="captcha_1"[^>]*>', pagina).group(0)
    assert 'required aria-invalid="true"' in respuesta and 'autocomplete="off"' in respuesta
    # Firefox would put back, on reload, a key that "Actualizar Imagen" changed: its form
    # says autocomplete="off" for it.
    formulario = re.search(r'<form [^>]*>\s*<input type="hidden" name="csrf', pagina).group(0)
    assert 'autocomplete="off"' in formulario


def test_el_error_del_captcha_se_liga_a_su_campo(cliente_en_paso_2, datos_registro):
    pagina = texto(cliente_en_paso_2.post(PASO_2, datos_registro(captcha_1="zzzzz")))
    respuesta = re.search(r'<input type="text" name="captcha_1"[^>]*>', pagina).group(0)
    assert 'aria-describedby="id_captcha_error"' in respuesta
    assert re.search(r'id="id_captcha_error">.*no coincide con la imagen', pagina)
