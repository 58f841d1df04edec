"""What the staff admin's tests share: its lists, staff who log in through its form and a
few derechohabientes with accounts; and for the files at national scale (``registro_grande``
in their pytestmark), 20,000 synthetic derechohabientes and staff of each group."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registro.admin.paginacion import TOPE_CONTEO
from registro.models import Derechohabiente, Usuario, clave_de_nombre
from registro.padron import sinteticos

from ..conftest import CONTRASENA

DERECHOHABIENTES = reverse("admin:registro_derechohabiente_changelist")
CUENTAS = reverse("admin:registro_usuario_changelist")


@pytest.fixture
def ana(crear_derechohabiente):
    return crear_derechohabiente("Ana", "Ejemplo", "Prueba")


# Staff logging in through the admin's form, over a few rows


ENTRAR = reverse("admin:login")
INICIO = reverse("admin:index")


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


# The national scale: 20,000 synthetic derechohabientes (12,000 with an account), loaded
# once for each module that asks for them and analysed, so that PostgreSQL's planner
# chooses as it would on a big table: a search that reads the whole table shows up as
# "Seq Scan" in EXPLAIN.


MESA_DE_AYUDA = "Mesa de ayuda"
ADMINISTRADORES = "Administradores del registro"
SINTETICOS = 20_000
CON_CUENTA = 12_000


def ficha(modelo: str, pk) -> str:
    return reverse(f"admin:registro_{modelo}_change", args=[pk])


@pytest.fixture(scope="module")
def registro_grande(django_db_setup, django_db_blocker):
    """20,000 synthetic rows, the first 12,000 with an account, committed and analysed."""
    with django_db_blocker.unblock():
        filas = [
            Derechohabiente(
                **datos,
                clave_nombre=clave_de_nombre(
                    datos["primer_apellido"], datos["segundo_apellido"], datos["nombre"]
                ),
            )
            for datos in sinteticos.generar(SINTETICOS, semilla=2025)
        ]
        creados = Derechohabiente.objects.bulk_create(filas, batch_size=5000)
        cuentas = Usuario.objects.bulk_create(
            [
                Usuario(
                    username=f"sintetico.{n:05d}",
                    email=f"sintetico.{n:05d}@correo.example",
                    password="!",  # unusable
                    derechohabiente=dh,
                )
                for n, dh in enumerate(creados[:CON_CUENTA])
            ],
            batch_size=5000,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registro_derechohabiente, registro_usuario")
    yield creados
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registro_usuario WHERE id = ANY(%s)", [[u.pk for u in cuentas]])
        cursor.execute(
            "DELETE FROM registro_derechohabiente WHERE id = ANY(%s)", [[d.pk for d in creados]]
        )
        # Leave the planner's row estimates as the other test modules expect: near empty.
        cursor.execute("ANALYZE registro_derechohabiente, registro_usuario")


def personal_en(grupo: str, username: str) -> Client:
    # No password (hashing one is slow): the tests log in with force_login.
    cuenta = Usuario.objects.create_user(username, f"{username}@issste.example", is_staff=True)
    cuenta.groups.add(Group.objects.get(name=grupo))
    cliente = Client()
    cliente.force_login(cuenta)
    return cliente


@pytest.fixture
def administrador():
    return personal_en(ADMINISTRADORES, "admin.registro")


@pytest.fixture
def jefa(client):
    client.force_login(Usuario.objects.create_superuser("jefa.sistemas", "jefa@issste.example"))
    return client


@pytest.fixture
def personas(crear_derechohabiente, ana):
    """Rows that a prefix search must tell apart, with every tipo, vigente and account state."""
    otras = {
        "ana": ana,
        "pedro": crear_derechohabiente("Pedro", "Ejemplo", "Prudencio", tipo="pensionado"),
        "jose": crear_derechohabiente("José", "Éjemplo", "Prúeba", vigente=False),
        "eva": crear_derechohabiente("Eva", "Ejemplo", "Prado", tipo="familiar"),
        "rita": crear_derechohabiente("Rita", "Prueba", "Ejemplo"),  # both words, wrong order
        "nuria": crear_derechohabiente("Nuria", "Ñandú", "Ejemplar"),
    }
    for nombre in ("ana", "pedro"):
        Usuario.objects.create_user(
            f"{nombre}.cuenta", f"{nombre}.cuenta@correo.example", derechohabiente=otras[nombre]
        )
    return otras


def lista(cliente, url, **parametros):
    respuesta = cliente.get(url, parametros)
    assert respuesta.status_code == 200
    return respuesta


def todos_los_encontrados(respuesta) -> set:
    """Every row the list's filters and search select, on all its pages."""
    return set(respuesta.context["cl"].queryset.values_list("pk", flat=True))


def que_empiezan_con(prefijo: str) -> set:
    """Computed in Python over the whole table, independently of the admin's query."""
    return {
        pk
        for pk, clave in Derechohabiente.objects.values_list("pk", "clave_nombre")
        if clave.startswith(prefijo)
    }


LISTAS = {
    "sin-filtro": (DERECHOHABIENTES, {}, "aprox. "),
    "curp": (DERECHOHABIENTES, {"q": "<curp>"}, "1 derechohabiente"),
    "inicio-de-curp": (DERECHOHABIENTES, {"q": "<curp10>"}, "derechohabiente"),
    "inicio-del-nombre": (DERECHOHABIENTES, {"q": "ejemplo pru"}, "derechohabientes"),
    "con-cuenta": (DERECHOHABIENTES, {"cuenta": "con"}, f"más de {TOPE_CONTEO:,}"),
    "pensionados": (DERECHOHABIENTES, {"tipo__exact": "pensionado"}, "derechohabiente"),
    "no-vigentes": (DERECHOHABIENTES, {"vigente__exact": "0"}, "derechohabiente"),
    "cuentas": (CUENTAS, {}, "aprox. "),
    "cuentas-curp": (CUENTAS, {"q": "<curp>"}, "1 cuenta de usuario"),
    "cuentas-usuario": (CUENTAS, {"q": "ANA.CUENTA"}, "1 cuenta de usuario"),
    "cuentas-correo": (CUENTAS, {"q": "Ana.Cuenta@Correo.Example"}, "1 cuenta de usuario"),
    "cuentas-nombre": (CUENTAS, {"q": "ejemplo pru"}, "cuentas de usuario"),
}


def pedir(cliente, personas, nombre):
    url, parametros, conteo = LISTAS[nombre]
    curp = personas["ana"].curp
    parametros = {
        k: v.replace("<curp>", curp).replace("<curp10>", curp[:10]) for k, v in parametros.items()
    }
    with CaptureQueriesContext(connection) as consultas:
        respuesta = lista(cliente, url, **parametros)
    return respuesta, consultas, conteo
