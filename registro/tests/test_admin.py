import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registro.mensajes import CORREO_DUPLICADO
from registro.models import Usuario

from .conftest import CONTRASENA

pytestmark = pytest.mark.django_db

ENTRAR = reverse("admin:login")
INICIO = reverse("admin:index")
DERECHOHABIENTES = reverse("admin:registro_derechohabiente_changelist")
CUENTAS = reverse("admin:registro_usuario_changelist")


def entrar(client, username, password=CONTRASENA):
    """Log in through the admin's own login form, as staff do."""
    return client.post(
        f"{ENTRAR}?next={INICIO}",
        {"username": username, "password": password, "next": INICIO},
        follow=True,
    )


@pytest.fixture
def personal(client, db):
    Usuario.objects.create_superuser("jefa.sistemas", "jefa.sistemas@issste.example", CONTRASENA)
    respuesta = entrar(client, "jefa.sistemas")
    assert respuesta.redirect_chain[-1][0] == INICIO
    assert respuesta.context["user"].is_authenticated
    return client


@pytest.fixture
def ana(crear_derechohabiente):
    return crear_derechohabiente("Ana", "Ejemplo", "Prueba")


@pytest.fixture
def carlos(crear_derechohabiente):
    return crear_derechohabiente("Carlos", "Muestra", "Ensayo")


@pytest.fixture
def cuentas(ana, carlos):
    return (
        # User names and e-mails share nothing with the names, so each search field counts.
        Usuario.objects.create_user(
            "usuario.uno", "uno@correo.example", CONTRASENA, derechohabiente=ana
        ),
        Usuario.objects.create_user(
            "usuario.dos", "dos@correo.example", CONTRASENA, derechohabiente=carlos
        ),
    )


def encontrados(client, url, busqueda) -> list:
    respuesta = client.get(url, {"q": busqueda})
    assert respuesta.status_code == 200
    return list(respuesta.context["cl"].result_list)


# Logging in


def test_el_personal_entra_con_el_formulario_del_admin(client, db):
    Usuario.objects.create_superuser("jefa.sistemas", "jefa.sistemas@issste.example", CONTRASENA)

    respuesta = entrar(client, "jefa.sistemas")

    assert respuesta.status_code == 200
    assert respuesta.redirect_chain == [(INICIO, 302)]
    assert reverse("admin:app_list", args=["registro"]) in respuesta.content.decode()


def test_una_cuenta_que_no_es_de_personal_no_entra_al_admin(client, ana):
    Usuario.objects.create_user(
        "ana.ejemplo", "ana.ejemplo@correo.example", CONTRASENA, derechohabiente=ana
    )

    respuesta = entrar(client, "ana.ejemplo")

    assert respuesta.redirect_chain == []
    assert respuesta.context["form"].errors
    assert not respuesta.context["user"].is_authenticated
    respuesta = client.get(DERECHOHABIENTES)
    assert respuesta.status_code == 302
    assert respuesta.url.startswith(ENTRAR)


def test_una_sesion_de_la_oficina_virtual_no_abre_el_admin(client, ana):
    """Being signed in as a derechohabiente is not enough to see the registry."""
    cuenta = Usuario.objects.create_user(
        "ana.ejemplo", "ana.ejemplo@correo.example", CONTRASENA, derechohabiente=ana
    )
    client.force_login(cuenta)

    for url in (DERECHOHABIENTES, CUENTAS):
        respuesta = client.get(url)
        assert respuesta.status_code == 302
        assert respuesta.url.startswith(ENTRAR)


# Derechohabientes


def test_la_lista_de_derechohabientes_muestra_el_registro(personal, ana, carlos):
    respuesta = personal.get(DERECHOHABIENTES)

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    assert ana.curp in pagina
    assert carlos.curp in pagina


@pytest.mark.parametrize(
    "busqueda",
    [
        lambda d: d.curp,
        lambda d: d.curp.lower(),
        lambda d: d.curp[:10],
        lambda d: d.primer_apellido,
        lambda d: f"{d.primer_apellido} {d.segundo_apellido[:3]}".lower(),
        lambda d: f"{d.primer_apellido} {d.segundo_apellido} {d.nombre}",
    ],
    # Names are searched from their start, in the registry's order APELLIDO APELLIDO NOMBRE:
    # an index answers that at 14 million rows; a search inside names would read them all.
    ids=[
        "curp",
        "curp-minusculas",
        "inicio-de-curp",
        "primer-apellido",
        "apellidos-en-minusculas",
        "nombre-completo",
    ],
)
def test_buscar_derechohabientes(personal, ana, carlos, busqueda):
    assert encontrados(personal, DERECHOHABIENTES, busqueda(ana)) == [ana]
    assert encontrados(personal, DERECHOHABIENTES, busqueda(carlos)) == [carlos]


def test_la_ficha_del_derechohabiente_muestra_su_cuenta(personal, cuentas, ana, carlos):
    respuesta = personal.get(reverse("admin:registro_derechohabiente_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    assert "usuario.uno" in pagina
    assert "usuario.dos" not in pagina


def test_la_ficha_de_un_derechohabiente_sin_cuenta_se_abre(personal, ana):
    respuesta = personal.get(reverse("admin:registro_derechohabiente_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    assert ana.curp in respuesta.content.decode()


# Accounts


def test_la_lista_de_cuentas_muestra_las_cuentas(personal, cuentas):
    respuesta = personal.get(CUENTAS)

    assert respuesta.status_code == 200
    pagina = respuesta.content.decode()
    for cuenta in cuentas:
        assert cuenta.username in pagina
        assert cuenta.derechohabiente.curp in pagina


@pytest.mark.parametrize(
    "busqueda",
    [
        lambda u: u.username,
        lambda u: u.email,
        lambda u: u.derechohabiente.curp,
        lambda u: u.derechohabiente.curp[:10].lower(),
        lambda u: u.derechohabiente.primer_apellido,
        lambda u: f"{u.derechohabiente.primer_apellido} {u.derechohabiente.segundo_apellido}",
    ],
    ids=[
        "usuario",
        "correo",
        "curp",
        "inicio-de-curp",
        "primer-apellido",
        "apellidos",
    ],
)
def test_buscar_cuentas(personal, cuentas, busqueda):
    ana, carlos = cuentas
    assert encontrados(personal, CUENTAS, busqueda(ana)) == [ana]
    assert encontrados(personal, CUENTAS, busqueda(carlos)) == [carlos]


def test_la_ficha_de_una_cuenta_se_abre(personal, cuentas):
    ana, _ = cuentas

    respuesta = personal.get(reverse("admin:registro_usuario_change", args=[ana.pk]))

    assert respuesta.status_code == 200
    assert ana.username in respuesta.content.decode()


def test_el_personal_corrige_el_nombre_de_un_derechohabiente_con_cuenta(personal, cuentas, ana):
    cuenta, _ = cuentas
    url = reverse("admin:registro_derechohabiente_change", args=[ana.pk])
    pagina = personal.get(url).content.decode()
    datos = {
        "curp": ana.curp,
        "nombre": "Ana María",
        "primer_apellido": ana.primer_apellido,
        "segundo_apellido": ana.segundo_apellido,
        "tipo": ana.tipo,
        # The read-only account inline, as the change page renders it.
        "usuario-TOTAL_FORMS": "1",
        "usuario-INITIAL_FORMS": "1",
        "usuario-MIN_NUM_FORMS": "0",
        "usuario-MAX_NUM_FORMS": "0",
        "usuario-0-id": str(cuenta.pk),
        "usuario-0-derechohabiente": str(ana.pk),
    }
    for campo in datos:
        assert f'name="{campo}"' in pagina

    respuesta = personal.post(url, datos)

    assert respuesta.status_code == 302
    ana.refresh_from_db()
    assert ana.nombre == "Ana María"
    assert ana.usuario == cuenta


def test_el_personal_crea_una_cuenta_de_personal_desde_el_admin(personal):
    respuesta = personal.post(
        reverse("admin:registro_usuario_add"),
        {
            "username": "mesa.ayuda",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "usable_password": "true",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    cuenta = Usuario.objects.get(username="mesa.ayuda")
    assert cuenta.check_password(CONTRASENA)
    assert cuenta.derechohabiente is None


def test_el_admin_no_crea_un_nombre_repetido_en_otra_caja(personal):
    respuesta = personal.post(
        reverse("admin:registro_usuario_add"),
        {
            "username": "JEFA.Sistemas",
            "password1": CONTRASENA,
            "password2": CONTRASENA,
            "usable_password": "true",
        },
    )
    assert respuesta.status_code == 200
    assert respuesta.context["adminform"].form.errors["username"]
    assert Usuario.objects.count() == 1


def test_un_correo_repetido_en_otra_caja_se_senala_en_su_campo(cuentas):
    # What the admin's change form shows when staff type another account's e-mail: the
    # message on the field, not on the whole form (Django's way for a constraint on LOWER()).
    _, dos = cuentas
    dos.email = "UNO@Correo.example"
    with pytest.raises(ValidationError) as error:
        dos.full_clean()
    assert error.value.message_dict == {"email": [str(CORREO_DUPLICADO)]}
