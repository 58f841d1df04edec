"""The registry's import (registro/padron/importacion.py, manage.py
importar_derechohabientes): good files, bad rows, files that cannot be read; and the
demonstration data that manage.py cargar_demo imports."""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from registro.models import Derechohabiente
from registro.padron import curp, sinteticos

pytestmark = pytest.mark.django_db

ENCABEZADO = "curp,nombre,primer_apellido,segundo_apellido"
ARCHIVO_DEMO = settings.BASE_DIR / "datos" / "derechohabientes-demo.csv"
README = settings.BASE_DIR / "README.md"
CURP_EN_TEXTO = re.compile(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d")


def escribir(tmp_path, lineas, *, codificacion="utf-8", nombre="derechohabientes.csv"):
    """A CSV file with exactly these lines, so line numbers in messages are known."""
    ruta = tmp_path / nombre
    ruta.write_bytes(("\n".join(lineas) + "\n").encode(codificacion))
    return ruta


def linea(fila: dict) -> str:
    return ",".join(
        (fila["curp"], fila["nombre"], fila["primer_apellido"], fila["segundo_apellido"])
    )


def importar(ruta, *opciones):
    """Run the command as an operator would; return what it printed on stdout and stderr."""
    salida, errores = io.StringIO(), io.StringIO()
    call_command("importar_derechohabientes", str(ruta), *opciones, stdout=salida, stderr=errores)
    return salida.getvalue(), errores.getvalue()


def importar_con_error(ruta, *opciones):
    """Run the command expecting it to refuse; return the refusal and what went to stderr."""
    errores = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "importar_derechohabientes",
            str(ruta),
            *opciones,
            stdout=io.StringIO(),
            stderr=errores,
        )
    return str(error.value), errores.getvalue()


def en_la_base() -> dict[str, tuple[str, str, str]]:
    return {
        d.curp: (d.nombre, d.primer_apellido, d.segundo_apellido)
        for d in Derechohabiente.objects.all()
    }


def marcas_de_actualizacion() -> dict[str, datetime.datetime]:
    return dict(Derechohabiente.objects.values_list("curp", "actualizado"))


def con_digito_equivocado(clave: str) -> str:
    return clave[:17] + str((int(clave[17]) + 1) % 10)


@pytest.fixture
def filas():
    return list(sinteticos.generar(25, semilla=7))


@pytest.fixture
def archivo_correcto(tmp_path, filas):
    return escribir(tmp_path, [ENCABEZADO] + [linea(f) for f in filas])


# A good file


def test_un_archivo_correcto_se_importa_completo(archivo_correcto, filas):
    salida, errores = importar(archivo_correcto)

    assert en_la_base() == {
        f["curp"]: (f["nombre"], f["primer_apellido"], f["segundo_apellido"]) for f in filas
    }
    assert (
        "Importación terminada: 25 nuevos, 0 actualizados, 0 sin cambios, "
        "0 filas omitidas por errores." in salida
    )
    assert errores == ""


def test_importar_dos_veces_el_mismo_archivo_no_cambia_nada(archivo_correcto):
    importar(archivo_correcto)
    antes = marcas_de_actualizacion()

    salida, errores = importar(archivo_correcto)

    assert Derechohabiente.objects.count() == 25
    assert marcas_de_actualizacion() == antes
    assert "0 nuevos, 0 actualizados, 25 sin cambios" in salida
    assert errores == ""


def test_un_archivo_con_nombres_corregidos_los_actualiza(tmp_path, archivo_correcto, filas):
    importar(archivo_correcto)
    antes = marcas_de_actualizacion()
    corregida, igual = filas[0], filas[1]
    filas[0] = {
        **corregida,
        "nombre": "Nombre Corregido",
        "primer_apellido": "Apellido Corregido",
        "segundo_apellido": "",
    }

    salida, _ = importar(escribir(tmp_path, [ENCABEZADO] + [linea(f) for f in filas]))

    assert Derechohabiente.objects.count() == 25
    actualizado = Derechohabiente.objects.get(curp=corregida["curp"])
    assert (actualizado.nombre, actualizado.primer_apellido, actualizado.segundo_apellido) == (
        "Nombre Corregido",
        "Apellido Corregido",
        "",
    )
    assert actualizado.actualizado > antes[corregida["curp"]]
    assert Derechohabiente.objects.get(curp=igual["curp"]).actualizado == antes[igual["curp"]]
    assert "0 nuevos, 1 actualizados, 24 sin cambios" in salida


def test_el_segundo_apellido_puede_estar_vacio(tmp_path):
    clave = curp.construir("Ana", "Ejemplo", "", datetime.date(1985, 4, 12), "M", "JC", "3")

    salida, errores = importar(escribir(tmp_path, [ENCABEZADO, f"{clave},Ana,Ejemplo,"]))

    assert en_la_base() == {clave: ("Ana", "Ejemplo", "")}
    assert "1 nuevos" in salida
    assert errores == ""


def test_curp_en_minusculas_y_con_guiones_se_normaliza(tmp_path, filas):
    clave = filas[0]["curp"]
    escrita = f"{clave[:4]}-{clave[4:10]}-{clave[10:]}".lower()

    importar(escribir(tmp_path, [ENCABEZADO, linea({**filas[0], "curp": escrita})]))

    assert list(Derechohabiente.objects.values_list("curp", flat=True)) == [clave]


def test_los_espacios_sobrantes_en_los_nombres_se_quitan(tmp_path, filas):
    fila = {**filas[0], "nombre": "  María   Guadalupe ", "primer_apellido": " Ejemplo"}

    importar(escribir(tmp_path, [ENCABEZADO, linea(fila)]))

    d = Derechohabiente.objects.get()
    assert (d.nombre, d.primer_apellido) == ("María Guadalupe", "Ejemplo")


def test_un_archivo_con_marca_bom_se_acepta(tmp_path, filas):
    ruta = escribir(
        tmp_path, [ENCABEZADO] + [linea(f) for f in filas[:3]], codificacion="utf-8-sig"
    )
    assert ruta.read_bytes().startswith(b"\xef\xbb\xbf")

    salida, errores = importar(ruta)

    assert set(en_la_base()) == {f["curp"] for f in filas[:3]}
    assert "3 nuevos" in salida
    assert errores == ""


def test_el_encabezado_admite_mayusculas_y_espacios(tmp_path, filas):
    encabezado = "CURP, Nombre, Primer_Apellido, Segundo_Apellido"

    importar(escribir(tmp_path, [encabezado, linea(filas[0])]))

    assert set(en_la_base()) == {filas[0]["curp"]}


# A file with bad rows


@pytest.fixture
def archivo_con_errores(tmp_path, filas, crear_derechohabiente):
    """Good and bad rows mixed; one good row corrects a derechohabiente already registered."""
    a, b, c, d = filas[:4]
    ya_registrado = crear_derechohabiente("Nombre", "Anterior", "")
    lineas = [
        ENCABEZADO,  # 1
        linea(a),  # 2
        linea({**b, "curp": con_digito_equivocado(b["curp"])}),  # 3
        linea(c),  # 4
        linea({**d, "nombre": "  "}),  # 5
        f"{filas[4]['curp']},Ana,Ejemplo",  # 6
        "",  # 7: blank lines are skipped but still counted
        linea({**a, "nombre": "Otra Persona"}),  # 8
        f"{ya_registrado.curp},Nombre,Corregido,",  # 9
    ]
    return escribir(tmp_path, lineas)


def errores_esperados(filas) -> list[str]:
    mala = con_digito_equivocado(filas[1]["curp"])
    return [
        f"línea 3: CURP «{mala}»: {curp.MENSAJES['verificador']}",
        "línea 5: falta nombre",
        "línea 6: se esperaban 4 columnas y hay 3",
        f"línea 8: CURP {filas[0]['curp']} repetida (ya aparece en la línea 2)",
    ]


def lineas_de(texto: str) -> list[str]:
    return [renglon for renglon in texto.splitlines() if renglon.strip()]


def test_un_archivo_con_filas_malas_no_importa_nada(archivo_con_errores, filas):
    antes = en_la_base()

    mensaje, errores = importar_con_error(archivo_con_errores)

    assert "No se importó nada: 4 filas con errores" in mensaje
    assert "--omitir-errores" in mensaje
    assert lineas_de(errores) == errores_esperados(filas)
    assert en_la_base() == antes


def test_omitir_errores_importa_las_filas_buenas_e_informa_las_malas(archivo_con_errores, filas):
    ya_registrado = Derechohabiente.objects.get()

    salida, errores = importar(archivo_con_errores, "--omitir-errores")

    assert lineas_de(errores) == errores_esperados(filas)
    a, _, c, _ = filas[:4]
    assert en_la_base() == {
        a["curp"]: (a["nombre"], a["primer_apellido"], a["segundo_apellido"]),
        c["curp"]: (c["nombre"], c["primer_apellido"], c["segundo_apellido"]),
        ya_registrado.curp: ("Nombre", "Corregido", ""),
    }
    assert (
        "Importación terminada: 2 nuevos, 1 actualizados, 0 sin cambios, "
        "4 filas omitidas por errores." in salida
    )


@pytest.fixture
def primera_carga_con_una_repetida(tmp_path, filas):
    """An empty registry and a file whose only fault is a CURP written twice."""
    a, b = filas[:2]
    return escribir(tmp_path, [ENCABEZADO, linea(a), linea(b), linea({**a, "nombre": "Otra"})])


def test_en_la_primera_carga_una_curp_repetida_se_informa_y_no_se_escribe_nada(
    primera_carga_con_una_repetida, filas
):
    mensaje, errores = importar_con_error(primera_carga_con_una_repetida)
    assert "No se importó nada" in mensaje
    assert lineas_de(errores) == [
        f"línea 4: CURP {filas[0]['curp']} repetida (ya aparece en la línea 2)"
    ]
    assert en_la_base() == {}


def test_en_la_primera_carga_omitir_errores_guarda_la_primera_y_la_curp_sigue_unica(
    primera_carga_con_una_repetida, filas
):
    importar(primera_carga_con_una_repetida, "--omitir-errores")
    a, b = filas[:2]
    assert en_la_base() == {
        a["curp"]: (a["nombre"], a["primer_apellido"], a["segundo_apellido"]),
        b["curp"]: (b["nombre"], b["primer_apellido"], b["segundo_apellido"]),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Derechohabiente.objects.create(curp=a["curp"], nombre="X", primer_apellido="Y")


@pytest.mark.parametrize(
    ("clave", "motivo"),
    [
        ("BOXW310820HNERXN0", "La CURP tiene 18 caracteres; usted escribió 17."),
        ("BOXW310820HZZRXN09", "clave de una entidad federativa"),
        ("BOXW311320HNERXN09", "no existe"),
        ("", "Escriba la CURP."),
    ],
)
def test_cada_curp_mala_se_explica(tmp_path, clave, motivo):
    ruta = escribir(tmp_path, [ENCABEZADO, f"{clave},Ana,Ejemplo,Prueba"])

    _, errores = importar_con_error(ruta)

    assert errores.startswith(f"línea 2: CURP «{clave}»: ")
    assert motivo in errores
    assert not Derechohabiente.objects.exists()


def test_falta_el_primer_apellido(tmp_path, filas):
    ruta = escribir(tmp_path, [ENCABEZADO, linea({**filas[0], "primer_apellido": ""})])

    _, errores = importar_con_error(ruta)

    assert errores.strip() == "línea 2: falta primer_apellido"


# Files that cannot be read at all


@pytest.mark.parametrize(
    "encabezado",
    [
        "curp;nombre;primer_apellido;segundo_apellido",  # spreadsheet saved with semicolons
        "curp,primer_apellido,segundo_apellido,nombre",
        "curp,nombre,primer_apellido",
        None,  # no header: the first line is already a row
    ],
)
def test_un_encabezado_equivocado_se_rechaza(tmp_path, filas, encabezado):
    lineas = [linea(f) for f in filas[:3]]
    if encabezado:
        lineas.insert(0, encabezado)

    mensaje, _ = importar_con_error(escribir(tmp_path, lineas))

    assert mensaje.startswith(
        "La primera línea debe ser el encabezado curp,nombre,primer_apellido,segundo_apellido; "
        "se encontró "
    )
    assert not Derechohabiente.objects.exists()


def test_un_archivo_vacio_se_rechaza(tmp_path):
    ruta = tmp_path / "vacio.csv"
    ruta.write_bytes(b"")

    mensaje, _ = importar_con_error(ruta)

    assert "La primera línea debe ser el encabezado" in mensaje
    assert "(vacía)" in mensaje


def test_un_archivo_que_no_es_utf8_se_rechaza_sin_escribir_nada(tmp_path, filas):
    lineas = [ENCABEZADO] + [linea(f) for f in filas[:3]]
    lineas.append(linea({**filas[3], "nombre": "Verónica", "primer_apellido": "Ñandú"}))
    ruta = escribir(tmp_path, lineas, codificacion="latin-1")

    mensaje, _ = importar_con_error(ruta)

    assert "El archivo no está codificado en UTF-8" in mensaje
    assert not Derechohabiente.objects.exists()


def test_el_byte_que_no_es_utf8_se_ubica_en_el_archivo(tmp_path):
    """In a registry-sized file the operator must be pointed at the right place to fix it."""
    filas = list(sinteticos.generar(3000, semilla=11))
    correctas = ("\n".join([ENCABEZADO] + [linea(f) for f in filas[:-1]]) + "\n").encode()
    ultima = f"{filas[-1]['curp']},Zoé,Ejemplo,Prueba\n".encode("latin-1")
    ruta = tmp_path / "derechohabientes.csv"
    ruta.write_bytes(correctas + ultima)
    posicion = len(correctas) + ultima.index(b"\xe9")  # counted from 0
    numero_de_linea = len(filas) + 1

    mensaje, _ = importar_con_error(ruta)

    assert "El archivo no está codificado en UTF-8" in mensaje
    ubicaciones = (f"byte {posicion} ", f"byte {posicion + 1} ", f"línea {numero_de_linea}")
    assert any(ubicacion in mensaje for ubicacion in ubicaciones), mensaje
    assert not Derechohabiente.objects.exists()


def test_un_archivo_inexistente_se_explica(tmp_path):
    mensaje, _ = importar_con_error(tmp_path / "no-existe.csv")

    assert mensaje == f"No existe el archivo {tmp_path / 'no-existe.csv'}."


# The demonstration data


def filas_demo() -> list[dict]:
    with open(ARCHIVO_DEMO, encoding="utf-8-sig", newline="") as archivo:
        return list(csv.DictReader(archivo))


def test_los_datos_de_demostracion_son_validos():
    filas = filas_demo()

    assert len(filas) == 40
    assert [f["curp"] for f in filas if not curp.es_valida(f["curp"])] == []
    assert len({f["curp"] for f in filas}) == 40


def test_cargar_demo_llena_un_registro_vacio():
    salida, errores = io.StringIO(), io.StringIO()

    call_command("cargar_demo", stdout=salida, stderr=errores)

    assert Derechohabiente.objects.count() == 40
    assert set(en_la_base()) == {f["curp"] for f in filas_demo()}
    assert "40 nuevos" in salida.getvalue()
    assert errores.getvalue() == ""


def test_cargar_demo_no_toca_un_registro_con_datos(derechohabiente):
    salida = io.StringIO()

    call_command("cargar_demo", stdout=salida, stderr=io.StringIO())

    assert list(Derechohabiente.objects.all()) == [derechohabiente]
    assert "ya tiene datos" in salida.getvalue()


def test_las_curp_del_readme_estan_en_los_datos_de_demostracion():
    assert README.is_file(), f"Falta {README}"
    citadas = set(CURP_EN_TEXTO.findall(README.read_text(encoding="utf-8")))
    demo = {f["curp"] for f in filas_demo()}

    assert len(citadas) >= 3, f"README.md cita {len(citadas)} CURP de demostración"
    assert citadas - demo == set()
