"""The staff admin at national scale: groups, index-only searches, no COUNT(*), CSV export.

Every test here runs over 20,000 synthetic derechohabientes (12,000 with an account) loaded
once for the module and analysed, so that PostgreSQL's planner chooses as it would on a big
table: a search that reads the whole table shows up as "Seq Scan" in EXPLAIN.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registro.admin.busqueda import _rango_de_curp, interpretar_busqueda
from registro.admin.exportacion import COLUMNAS_CSV
from registro.admin.paginacion import TOPE_CONTEO
from registro.models import Derechohabiente, Usuario, clave_de_nombre
from registro.padron import curp, sinteticos

from .conftest import planes

pytestmark = pytest.mark.django_db

DERECHOHABIENTES = reverse("admin:registro_derechohabiente_changelist")
CUENTAS = reverse("admin:registro_usuario_changelist")
MESA_DE_AYUDA = "Mesa de ayuda"
ADMINISTRADORES = "Administradores del registro"
SINTETICOS = 20_000
CON_CUENTA = 12_000


def ficha(modelo: str, pk) -> str:
    return reverse(f"admin:registro_{modelo}_change", args=[pk])


@pytest.fixture(scope="module", autouse=True)
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
def mesa():
    return personal_en(MESA_DE_AYUDA, "mesa.ayuda")


@pytest.fixture
def administrador():
    return personal_en(ADMINISTRADORES, "admin.registro")


@pytest.fixture
def jefa(client):
    client.force_login(Usuario.objects.create_superuser("jefa.sistemas", "jefa@issste.example"))
    return client


@pytest.fixture
def ana(crear_derechohabiente):
    return crear_derechohabiente("Ana", "Ejemplo", "Prueba")


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


# Groups and permissions


def test_los_grupos_de_personal_tienen_sus_permisos():
    permisos = {
        grupo.name: set(grupo.permissions.values_list("codename", flat=True))
        for grupo in Group.objects.filter(name__in=[MESA_DE_AYUDA, ADMINISTRADORES])
    }
    assert permisos[MESA_DE_AYUDA] == {"view_derechohabiente", "view_usuario"}
    assert permisos[ADMINISTRADORES] == {
        f"{accion}_{modelo}"
        for accion in ("view", "add", "change", "delete")
        for modelo in ("derechohabiente", "usuario")
    } | {"exportar_derechohabiente"}


def test_la_mesa_de_ayuda_ve_las_listas_y_las_fichas(mesa, personas):
    ana = personas["ana"]
    for url in (DERECHOHABIENTES, CUENTAS):
        assert ana.curp in lista(mesa, url, q=ana.curp).content.decode()
    assert ana.curp in lista(mesa, ficha("derechohabiente", ana.pk)).content.decode()
    pagina = lista(mesa, ficha("usuario", ana.usuario.pk)).content.decode()
    assert "ana.cuenta" in pagina
    assert 'name="email"' not in pagina  # read-only


def test_la_mesa_de_ayuda_no_cambia_nada(mesa, personas):
    ana = personas["ana"]
    datos = {
        "curp": ana.curp,
        "nombre": "Otra",
        "primer_apellido": "Persona",
        "segundo_apellido": "",
        "tipo": "trabajador",
        "vigente": "on",
        "usuario-TOTAL_FORMS": "0",
        "usuario-INITIAL_FORMS": "0",
    }
    assert mesa.post(ficha("derechohabiente", ana.pk), datos).status_code == 403
    respuesta = mesa.post(
        ficha("usuario", ana.usuario.pk),
        {"username": "otro.nombre", "email": "otro@correo.example", "is_active": ""},
    )
    assert respuesta.status_code == 403
    # Actions that change accounts are not offered either.
    assert lista(mesa, CUENTAS).context["action_form"] is None
    mesa.post(CUENTAS, {"action": "desactivar", "index": "0", "_selected_action": [ana.usuario.pk]})
    ana.refresh_from_db()
    ana.usuario.refresh_from_db()
    assert (ana.nombre, ana.usuario.username, ana.usuario.is_active) == ("Ana", "ana.cuenta", True)


def test_la_mesa_de_ayuda_no_exporta(mesa, personas):
    assert lista(mesa, DERECHOHABIENTES).context["action_form"] is None
    respuesta = mesa.post(
        DERECHOHABIENTES,
        {"action": "exportar_csv", "index": "0", "_selected_action": [personas["ana"].pk]},
    )
    assert not respuesta.streaming


def test_un_administrador_del_registro_cambia_derechohabientes_y_cuentas(administrador, personas):
    ana = personas["ana"]
    datos = {
        "curp": ana.curp,
        "nombre": "Ana María",
        "primer_apellido": "Ejemplo",
        "segundo_apellido": "Prueba",
        "tipo": "pensionado",
        "vigente": "on",
        "usuario-TOTAL_FORMS": "1",
        "usuario-INITIAL_FORMS": "1",
        "usuario-MIN_NUM_FORMS": "0",
        "usuario-MAX_NUM_FORMS": "0",
        "usuario-0-id": str(ana.usuario.pk),
        "usuario-0-derechohabiente": str(ana.pk),
    }
    respuesta = administrador.post(ficha("derechohabiente", ana.pk), datos)
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    ana.refresh_from_db()
    assert (ana.nombre, ana.tipo, ana.clave_nombre) == (
        "Ana María",
        "pensionado",
        "EJEMPLO PRUEBA ANA MARIA",
    )

    respuesta = administrador.post(
        ficha("usuario", ana.usuario.pk),
        {
            "username": "ana.cuenta",
            "email": "ana.nueva@correo.example",
            "is_active": "on",
            "derechohabiente": str(ana.pk),
            "correo_confirmado_en_0": "",
            "correo_confirmado_en_1": "",
            "correo_pendiente": "",
            # Not editable for non-superusers: ignored.
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    cuenta = Usuario.objects.get(pk=ana.usuario.pk)
    assert cuenta.email == "ana.nueva@correo.example"
    assert not cuenta.is_superuser and not cuenta.is_staff


def test_un_administrador_del_registro_no_toca_cuentas_de_personal(administrador, jefa):
    superusuario = Usuario.objects.get(username="jefa.sistemas")
    respuesta = administrador.post(
        ficha("usuario", superusuario.pk),
        {"username": "jefa.sistemas", "email": "mia@correo.example", "is_active": "on"},
    )
    assert respuesta.status_code == 403
    cambiar_contrasena = reverse("admin:auth_user_password_change", args=[superusuario.pk])
    assert administrador.get(cambiar_contrasena).status_code == 403
    assert (
        administrador.post(
            cambiar_contrasena, {"password1": "Otra Clave 123", "password2": "Otra Clave 123"}
        ).status_code
        == 403
    )
    antes = superusuario.password
    superusuario.refresh_from_db()
    assert (superusuario.email, superusuario.password) == ("jefa@issste.example", antes)


# Search


@pytest.mark.parametrize(
    "escrito, esperado",
    [
        ("eepa800207mdfjrn12", ("curp", "EEPA800207MDFJRN12")),
        ("EEPA-800207 MDFJRN12", ("curp", "EEPA800207MDFJRN12")),
        ("eepa8002", ("inicio_curp", "EEPA8002")),
        ("ejémplo  prú", ("nombre", "EJEMPLO PRU")),
        ("ñandú", ("nombre", "ÑANDU")),
        ("EEPA", ("nombre", "EEPA")),
        ("  ", ("", "")),
    ],
)
def test_que_entiende_la_busqueda(escrito, esperado):
    assert interpretar_busqueda(escrito) == esperado


@pytest.mark.parametrize(
    "inicio, hasta",
    [("EEPA80", "EEPA81"), ("EEPA8Z", "EEPA9"), ("EEPA9", "EEPAA"), ("ZZZZ9ZZ", "ZZZZA")],
)
def test_el_inicio_de_curp_es_un_rango(inicio, hasta):
    assert _rango_de_curp(inicio) == Q(curp__gte=inicio) & Q(curp__lt=hasta)


@pytest.mark.parametrize(
    "escribir", [str, str.lower, lambda c: f" {c[:4]}-{c[4:10]} {c[10:].lower()} "]
)
def test_buscar_por_curp_completa_da_solo_esa_fila(jefa, personas, escribir):
    ana = personas["ana"]
    respuesta = lista(jefa, DERECHOHABIENTES, q=escribir(ana.curp))
    assert list(respuesta.context["cl"].result_list) == [ana]
    assert todos_los_encontrados(respuesta) == {ana.pk}


def test_buscar_por_inicio_de_curp(jefa, personas):
    ana = personas["ana"]
    respuesta = lista(jefa, DERECHOHABIENTES, q=ana.curp[:10].lower())
    esperados = set(
        Derechohabiente.objects.filter(curp__startswith=ana.curp[:10]).values_list("pk", flat=True)
    )
    assert ana.pk in esperados
    assert todos_los_encontrados(respuesta) == esperados


@pytest.mark.parametrize("escrito", ["EJEMPLO PRU", "ejemplo pru", "Éjemplo  Prú", "ejemplo pru "])
def test_buscar_por_inicio_del_nombre(jefa, personas, escrito):
    respuesta = lista(jefa, DERECHOHABIENTES, q=escrito)

    encontrados = todos_los_encontrados(respuesta)
    assert encontrados == que_empiezan_con("EJEMPLO PRU")
    assert {personas[n].pk for n in ("ana", "pedro", "jose")} <= encontrados
    assert not {personas[n].pk for n in ("eva", "rita", "nuria")} & encontrados
    pagina = list(respuesta.context["cl"].result_list)
    assert [d.clave_nombre for d in pagina] == sorted(d.clave_nombre for d in pagina)


def test_buscar_por_inicio_del_nombre_con_enie(jefa, personas):
    respuesta = lista(jefa, DERECHOHABIENTES, q="ñandú ejemplar nu")
    assert todos_los_encontrados(respuesta) == {personas["nuria"].pk}
    # The synthetic registry has more than a page of ÑANDÚ EJEMPLAR: the list pages them.
    respuesta = lista(jefa, DERECHOHABIENTES, q="Ñandú Ejemplar")
    assert respuesta.context["cl"].multi_page
    assert todos_los_encontrados(respuesta) == que_empiezan_con("ÑANDU EJEMPLAR")


@pytest.mark.parametrize(
    "escribir",
    [
        lambda u: u.username.upper(),
        lambda u: u.email.upper(),
        lambda u: u.derechohabiente.curp.lower(),
        lambda u: u.derechohabiente.curp[:10],
        lambda u: "ejemplo prueba a",
    ],
    ids=["usuario", "correo", "curp", "inicio-de-curp", "inicio-del-nombre"],
)
def test_buscar_cuentas(jefa, personas, escribir):
    cuenta = personas["ana"].usuario
    encontrados = todos_los_encontrados(lista(jefa, CUENTAS, q=escribir(cuenta)))
    assert cuenta.pk in encontrados
    assert personas["pedro"].usuario.pk not in encontrados


# Filters


@pytest.mark.parametrize(
    "filtro, esperados",
    [
        ({"tipo__exact": "pensionado"}, {"pedro"}),
        ({"tipo__exact": "familiar"}, {"eva"}),
        ({"tipo__exact": "trabajador"}, {"ana", "jose", "rita", "nuria"}),
        ({"vigente__exact": "0"}, {"jose"}),
        ({"vigente__exact": "1"}, {"ana", "pedro", "eva", "rita", "nuria"}),
        ({"cuenta": "con"}, {"ana", "pedro"}),
        ({"cuenta": "sin"}, {"jose", "eva", "rita", "nuria"}),
        ({"cuenta": "con", "q": "ejemplo pru"}, {"ana", "pedro"}),
    ],
)
def test_los_filtros(jefa, personas, filtro, esperados):
    respuesta = lista(jefa, DERECHOHABIENTES, **filtro)
    cl = respuesta.context["cl"]
    mias = {d.pk: nombre for nombre, d in personas.items()}
    assert {mias[pk] for pk in todos_los_encontrados(respuesta) if pk in mias} == esperados
    # Over the synthetic registry too, and without repeating rows.
    if filtro.get("cuenta") == "con":
        con_cuenta = set(Usuario.objects.values_list("derechohabiente", flat=True))
        assert todos_los_encontrados(respuesta) <= con_cuenta
    assert cl.queryset.count() == len(todos_los_encontrados(respuesta))


# CSV export


def leer_csv(respuesta) -> list[list[str]]:
    assert respuesta.status_code == 200
    assert respuesta.streaming
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"].startswith('attachment; filename="derechohabientes-')
    texto = b"".join(respuesta.streaming_content).decode("utf-8")
    assert texto.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texto[1:])))


def exportar(cliente, pks, url=DERECHOHABIENTES, todos=False):
    return cliente.post(
        url,
        {
            "action": "exportar_csv",
            "index": "0",
            "_selected_action": [str(pk) for pk in pks],
            "select_across": "1" if todos else "0",
        },
    )


def test_exportar_las_filas_marcadas(administrador, personas, caplog):
    jose, pedro = personas["jose"], personas["pedro"]
    filas = leer_csv(exportar(administrador, [jose.pk, pedro.pk]))

    assert filas[0] == COLUMNAS_CSV
    assert sorted(filas[1:]) == sorted(
        [
            [jose.curp, "José", "Éjemplo", "Prúeba", "trabajador", "0"]
            + [jose.fecha_nacimiento.isoformat(), jose.sexo, jose.entidad],
            [pedro.curp, "Pedro", "Ejemplo", "Prudencio", "pensionado", "1"]
            + [pedro.fecha_nacimiento.isoformat(), pedro.sexo, pedro.entidad],
        ]
    )
    # One log line, with no personal data in it.
    registro = [r.getMessage() for r in caplog.records if r.name == "registro.admin.exportacion"]
    assert len(registro) == 1 and "2 filas" in registro[0]
    assert jose.curp not in registro[0] and "José" not in registro[0]


@pytest.mark.parametrize(
    "parametros, esperados",
    [
        ("q=ejemplo+pru", lambda: que_empiezan_con("EJEMPLO PRU")),
        (
            "cuenta=con&q=ejemplo",
            lambda: (
                que_empiezan_con("EJEMPLO ")
                & set(Usuario.objects.values_list("derechohabiente", flat=True))
            ),
        ),
    ],
)
def test_exportar_toda_la_seleccion_filtrada(administrador, personas, parametros, esperados):
    """Selecting all across pages exports every row the search and filters select."""
    filas = leer_csv(
        exportar(administrador, [personas["pedro"].pk], f"{DERECHOHABIENTES}?{parametros}", True)
    )
    curps = [fila[0] for fila in filas[1:]]
    assert len(curps) == len(set(curps))
    esperadas = set(
        Derechohabiente.objects.filter(pk__in=esperados()).values_list("curp", flat=True)
    )
    assert len(esperadas) > 1
    assert set(curps) == esperadas


def test_no_hay_borrado_masivo_de_derechohabientes(jefa):
    acciones = lista(jefa, DERECHOHABIENTES).context["action_form"].fields["action"].choices
    assert [valor for valor, _ in acciones if valor] == ["exportar_csv"]


# The change form


def test_la_curp_no_se_cambia_en_la_ficha(administrador, personas):
    jose = personas["jose"]
    url = ficha("derechohabiente", jose.pk)
    pagina = lista(administrador, url).content.decode()
    campo = re.search(r'<input[^>]*name="curp"[^>]*>', pagina).group(0)
    assert "disabled" in campo and jose.curp in campo
    for derivado in ("fecha_nacimiento", "sexo", "entidad", "clave_nombre"):
        assert f'name="{derivado}"' not in pagina
    assert jose.clave_nombre in pagina

    otra = personas["ana"].curp[:-1] + "0"
    respuesta = administrador.post(
        url,
        {
            "curp": otra,
            "nombre": "José Luis",
            "primer_apellido": jose.primer_apellido,
            "segundo_apellido": jose.segundo_apellido,
            "tipo": "trabajador",
            "fecha_nacimiento": "2001-01-01",
            "sexo": "X",
            "usuario-TOTAL_FORMS": "0",
            "usuario-INITIAL_FORMS": "0",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    antes = (jose.curp, jose.fecha_nacimiento, jose.sexo, jose.entidad)
    jose.refresh_from_db()
    assert jose.nombre == "José Luis"
    assert (jose.curp, jose.fecha_nacimiento, jose.sexo, jose.entidad) == antes


def test_la_curp_se_escribe_al_dar_de_alta(administrador):
    clave = curp.construir("Alta", "Nueva", "Persona", datetime.date(1990, 5, 17), "H", "JC", "0")
    url = reverse("admin:registro_derechohabiente_add")
    campo = re.search(r'<input[^>]*name="curp"[^>]*>', lista(administrador, url).content.decode())
    assert "disabled" not in campo.group(0)
    respuesta = administrador.post(
        url,
        {
            "curp": clave.lower(),
            "nombre": "Alta",
            "primer_apellido": "Nueva",
            "segundo_apellido": "Persona",
            "tipo": "trabajador",
            "vigente": "on",
            "usuario-TOTAL_FORMS": "0",
            "usuario-INITIAL_FORMS": "0",
        },
    )
    assert respuesta.status_code == 302, respuesta.context["adminform"].form.errors
    nuevo = Derechohabiente.objects.get(clave_nombre="NUEVA PERSONA ALTA")
    assert (nuevo.fecha_nacimiento, nuevo.sexo, nuevo.entidad) == (
        datetime.date(1990, 5, 17),
        "H",
        "JC",
    )


# What the list costs: no COUNT(*) over the table, and searches through an index


def conteos_sin_tope(consultas) -> list[str]:
    """COUNT queries that are not bounded by a LIMIT: the full counts the list must avoid."""
    return [c["sql"] for c in consultas if "COUNT(" in c["sql"].upper() and "LIMIT" not in c["sql"]]


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


@pytest.mark.parametrize("nombre", LISTAS)
def test_la_lista_no_cuenta_toda_la_tabla(jefa, personas, nombre):
    respuesta, consultas, conteo = pedir(jefa, personas, nombre)

    assert conteos_sin_tope(consultas) == []
    pagina = respuesta.content.decode()
    paginador = re.search(r'<p class="paginator">(.*?)</p>', pagina, re.S)
    assert conteo in paginador.group(1)
    if "aprox." in conteo or "más de" in conteo:
        # The search bar and "select all" say the same, not a made-up exact number.
        texto = respuesta.context["cl"].paginator.conteo_texto
        assert f"{texto} resultados" in pagina
        assert f"Seleccionar en todas las páginas ({texto})" in pagina
    assert len(consultas) < 15  # no query per row


@pytest.mark.parametrize(
    "nombre",
    [
        "sin-filtro",
        "cuentas",
        "curp",
        "inicio-de-curp",
        "inicio-del-nombre",
        "pensionados",
        "no-vigentes",
        "cuentas-curp",
        "cuentas-usuario",
        "cuentas-correo",
        "cuentas-nombre",
    ],
)
def test_las_busquedas_usan_un_indice(jefa, personas, nombre):
    _respuesta, consultas, _conteo = pedir(jefa, personas, nombre)

    tablas = ["registro_derechohabiente"]
    if nombre.startswith("cuentas"):
        tablas.append("registro_usuario")
    for tabla in tablas:
        for plan in planes(consultas, tabla):
            for leida in tablas:
                assert f"Seq Scan on {leida}" not in plan, plan


def test_la_lista_sin_filtro_tiene_paginas(jefa, personas):
    primera = lista(jefa, DERECHOHABIENTES).context["cl"]
    segunda = lista(jefa, DERECHOHABIENTES, p="2").context["cl"]
    claves = [d.clave_nombre for d in primera.result_list] + [
        d.clave_nombre for d in segunda.result_list
    ]
    assert len(claves) == 2 * primera.list_per_page
    assert claves == sorted(claves)
    assert primera.paginator.conteo_estimado
    assert primera.paginator.count >= SINTETICOS * 0.9


def test_la_lista_no_salta_hasta_paginas_que_leerian_millones(jefa, personas):
    # 20,000 rows at 100 per page: pages past 10,000 rows would be a costly OFFSET.
    with CaptureQueriesContext(connection) as consultas:
        respuesta = lista(jefa, DERECHOHABIENTES, p="150")
    assert respuesta.status_code == 200
    cl = respuesta.context["cl"]
    assert cl.paginator.num_pages == TOPE_CONTEO // cl.list_per_page
    desplazamientos = [
        int(n) for n in re.findall(r"OFFSET (\d+)", " ".join(c["sql"] for c in consultas))
    ]
    assert desplazamientos and max(desplazamientos) < TOPE_CONTEO
    assert len(cl.result_list) == cl.list_per_page
