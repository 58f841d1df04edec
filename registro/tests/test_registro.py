import datetime
import random
from io import BytesIO

import pytest
from captcha import views as vistas_de_captcha
from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops

from registro import flows
from registro.cuentas.flows import RegistroDuplicado
from registro.models import Usuario
from registro.views import CURP_ENCONTRADA

from .conftest import CONTRASENA, respuesta_captcha

pytestmark = pytest.mark.django_db

PASO_1 = reverse("registro:curp")
PASO_2 = reverse("registro:usuario")
CREADO = reverse("registro:creado")


def texto(respuesta) -> str:
    return respuesta.content.decode()


def error_del_campo(respuesta, campo: str) -> str:
    return " ".join(respuesta.context["form"].errors.get(campo, []))


# Step 1: CURP and "Buscar"


def test_paso_1_pide_la_curp_con_el_boton_buscar(client):
    pagina = texto(client.get(PASO_1))
    assert '<label for="id_curp">CURP:</label>' in pagina
    assert ">Buscar</button>" in pagina


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


def test_la_contrasena_se_guarda_tal_como_se_escribio(cliente_en_paso_2, datos_registro):
    tal_cual = " Mi Clave Ñandú 7 "
    cliente_en_paso_2.post(PASO_2, datos_registro(password1=tal_cual, password2=tal_cual))
    usuario = Usuario.objects.get()
    assert usuario.check_password(tal_cual)
    for variante in (
        "mi clave ñandú 7",  # case
        "MI CLAVE ÑANDÚ 7",
        "Mi Clave Ñandú 7",  # surrounding spaces
        " MiClaveÑandú7 ",  # inner spaces
        " Mi Clave Nandu 7 ",  # accents
    ):
        assert not usuario.check_password(variante), variante


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


def test_el_captcha_admite_un_solo_intento(cliente_en_paso_2, datos_registro):
    datos = datos_registro(captcha_1="zzzzz")
    cliente_en_paso_2.post(PASO_2, datos)
    respuesta_correcta = datos_registro()["captcha_1"]
    reintento = {**datos, "captcha_1": respuesta_correcta}  # same challenge, second try
    respuesta = cliente_en_paso_2.post(PASO_2, reintento)
    assert "no coincide con la imagen" in error_del_campo(respuesta, "captcha")
    assert not Usuario.objects.exists()


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


# The database itself keeps the rules, whatever code writes to it


def test_la_base_de_datos_rechaza_nombres_repetidos_en_otra_caja(db):
    Usuario.objects.create_user("Pedro", "pedro@correo.example", CONTRASENA)
    with pytest.raises(IntegrityError):
        Usuario.objects.create_user("pEDRO", "pedro2@correo.example", CONTRASENA)


def test_la_base_de_datos_rechaza_correos_repetidos_en_otra_caja(db):
    Usuario.objects.create_user("uno", "Pedro@Correo.example", CONTRASENA)
    with pytest.raises(IntegrityError):
        Usuario.objects.create_user("dos", "pedro@correo.EXAMPLE", CONTRASENA)


def test_el_personal_puede_no_tener_correo(db):
    get_user_model().objects.create_superuser("admin1", "", CONTRASENA)
    get_user_model().objects.create_superuser("admin2", "", CONTRASENA)
    assert Usuario.objects.filter(email="").count() == 2


@pytest.mark.parametrize(
    ("existente", "nuevo", "campo"),
    [
        (("Rosa", "rosa@correo.example"), ("ROSA", "otra@correo.example"), "username"),
        (("rosa", "Rosa@Correo.example"), ("otra", "rosa@correo.example"), "email"),
    ],
)
def test_una_carrera_perdida_es_un_mensaje_y_no_un_error(
    crear_derechohabiente, existente, nuevo, campo
):
    Usuario.objects.create_user(*existente, CONTRASENA)
    with pytest.raises(RegistroDuplicado) as duplicado:
        nombre_usuario, correo = nuevo
        flows.crear_cuenta(
            derechohabiente=crear_derechohabiente(),
            nombre_usuario=nombre_usuario,
            correo=correo,
            contrasena=CONTRASENA,
        )
    assert duplicado.value.campo == campo
    assert Usuario.objects.count() == 1


def test_una_carrera_perdida_por_la_misma_curp(derechohabiente):
    flows.crear_cuenta(
        derechohabiente=derechohabiente,
        nombre_usuario="primera",
        correo="primera@correo.example",
        contrasena=CONTRASENA,
    )
    with pytest.raises(RegistroDuplicado) as duplicado:
        flows.crear_cuenta(
            derechohabiente=derechohabiente,
            nombre_usuario="segunda",
            correo="segunda@correo.example",
            contrasena=CONTRASENA,
        )
    assert duplicado.value.campo is None
    assert "ya tiene una cuenta" in duplicado.value.mensaje


def test_quien_no_esta_vigente_no_puede_registrarse(client, crear_derechohabiente):
    baja = crear_derechohabiente(vigente=False)
    respuesta = client.post(PASO_1, {"curp": baja.curp})
    assert "no está vigente" in error_del_campo(respuesta, "curp")
    assert CURP_ENCONTRADA not in client.session


def test_los_datos_derivados_de_la_curp_se_guardan(crear_derechohabiente):
    dh = crear_derechohabiente(nombre="María José", primer_apellido="Ñandú", segundo_apellido="")
    assert dh.sexo == dh.curp[10] and dh.entidad == "DF"
    assert dh.fecha_nacimiento.strftime("%y%m%d") == dh.curp[4:10]
    assert dh.clave_nombre == "ÑANDU MARIA JOSE"


def test_la_imagen_del_captcha_es_la_misma_para_una_clave_y_otra_para_otra(client, db):
    una, otra = CaptchaStore.generate_key(), CaptchaStore.generate_key()
    imagen = client.get(f"/captcha/image/{una}/")
    assert imagen["Content-Type"] == "image/png"
    assert imagen.content == client.get(f"/captcha/image/{una}/").content
    assert imagen.content != client.get(f"/captcha/image/{otra}/").content
    dibujo = Image.open(BytesIO(imagen.content))
    assert dibujo.size == (240, 80) and dibujo.mode == "L"
    # Dark letters and dots on white: some dots, mostly white.
    oscuros = sum(1 for valor in dibujo.convert("L").get_flattened_data() if valor < 128)
    assert 0.05 < oscuros / (240 * 80) < 0.5


def test_la_imagen_del_captcha_se_ve_como_la_que_dibuja_la_biblioteca(client, db):
    # Drawn in grey from the start (registro.captcha.imagen), not in colour then greyed.
    clave = CaptchaStore.generate_key()
    nuestra = Image.open(BytesIO(client.get(f"/captcha/image/{clave}/").content))
    random.seed(clave)
    try:
        reto = CaptchaStore.objects.get(hashkey=clave)
        de_la_biblioteca = vistas_de_captcha._captcha_image(reto, 1).content
    finally:
        random.seed()
    diferencia = ImageChops.difference(nuestra, Image.open(BytesIO(de_la_biblioteca)))
    assert diferencia.getextrema()[1] <= 1  # at most one grey level apart, pixel by pixel
    assert client.get(f"/captcha/image/{'0' * 40}/").status_code == 410  # no such challenge


def test_crear_usuario_no_recorre_todos_los_captchas_vigentes(cliente_en_paso_2, datos_registro):
    # In a surge the table holds every challenge of the last 10 minutes.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO captcha_captchastore (challenge, response, hashkey, expiration) "
            "SELECT 'ABCDE', 'abcde', md5(g::text), now() + interval '10 minutes' "
            "FROM generate_series(1, 20000) AS g; ANALYZE captcha_captchastore"
        )
    datos = datos_registro()
    with CaptureQueriesContext(connection) as consultas:
        respuesta = cliente_en_paso_2.post(reverse("registro:usuario"), datos)
    assert respuesta.status_code == 302
    captchas = [c["sql"] for c in consultas if "captcha_captchastore" in c["sql"]]
    assert len(captchas) == 1  # read and used up in one statement; no sweep of expired ones
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captchas[0].split("; ")[-1])  # after SET LOCAL
        plan = "\n".join(fila[0] for fila in cursor.fetchall())
    assert "Seq Scan" not in plan, plan


def test_un_captcha_vencido_no_sirve_aunque_la_respuesta_sea_correcta(
    cliente_en_paso_2, datos_registro
):
    datos = datos_registro()
    CaptchaStore.objects.filter(hashkey=datos["captcha_0"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    respuesta = cliente_en_paso_2.post(PASO_2, datos)
    assert "no coincide con la imagen" in error_del_campo(respuesta, "captcha")
    assert not Usuario.objects.exists()
