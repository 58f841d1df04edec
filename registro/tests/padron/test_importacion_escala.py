"""The import (registro/padron/importacion.py) at national scale: optional columns, report
file, interruption, index rebuild."""

import io
import os
import signal
import subprocess

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from registro.models import Derechohabiente
from registro.padron import importacion, sinteticos

from ..conftest import entorno_de_una_terminal_nueva

pytestmark = pytest.mark.django_db


def escribir(tmp_path, encabezado: str, filas: list[str], nombre="registro.csv"):
    ruta = tmp_path / nombre
    ruta.write_text(encabezado + "\n" + "\n".join(filas) + "\n", encoding="utf-8")
    return ruta


def importar(ruta, *argumentos):
    salida, errores = io.StringIO(), io.StringIO()
    call_command("importar_derechohabientes", ruta, *argumentos, stdout=salida, stderr=errores)
    return salida.getvalue(), errores.getvalue()


@pytest.fixture
def filas():
    return list(sinteticos.generar(6, semilla=99))


def test_columnas_opcionales_se_guardan_y_se_comparan_con_la_curp(tmp_path, filas):
    a, b = filas[0], filas[1]
    fecha_a = f"{'19' if a['curp'][16].isdigit() else '20'}{a['curp'][4:6]}-{a['curp'][6:8]}-"
    fecha_a += a["curp"][8:10]
    ruta = escribir(
        tmp_path,
        "curp,nombre,primer_apellido,segundo_apellido,fecha_nacimiento,sexo,entidad,tipo,vigente",
        [
            f"{a['curp']},{a['nombre']},{a['primer_apellido']},{a['segundo_apellido']},"
            f"{fecha_a},{a['curp'][10]},{a['curp'][11:13]},pensionado,no",
            f"{b['curp']},{b['nombre']},{b['primer_apellido']},{b['segundo_apellido']},,,,,",
        ],
    )
    importar(ruta)
    guardado = Derechohabiente.objects.get(curp=a["curp"])
    assert guardado.tipo == "pensionado" and not guardado.vigente
    assert guardado.fecha_nacimiento.isoformat() == fecha_a
    otro = Derechohabiente.objects.get(curp=b["curp"])
    assert otro.tipo == "trabajador" and otro.vigente  # defaults when the cell is empty
    assert otro.entidad == b["curp"][11:13] and otro.sexo == b["curp"][10]


@pytest.mark.parametrize(
    ("columna", "valor", "motivo"),
    [
        ("fecha_nacimiento", "1901-01-01", "no coincide con la CURP"),
        ("sexo", "Z", "no coincide con la CURP"),
        ("entidad", "ZZ", "no coincide con la CURP"),
        ("tipo", "jubilado", "tipo «jubilado» no es uno de"),
        ("vigente", "quizá", "vigente «quizá» debe ser sí o no"),
    ],
)
def test_columnas_opcionales_equivocadas_se_rechazan(tmp_path, filas, columna, valor, motivo):
    a = filas[0]
    ruta = escribir(
        tmp_path,
        f"curp,nombre,primer_apellido,segundo_apellido,{columna}",
        [f"{a['curp']},{a['nombre']},{a['primer_apellido']},{a['segundo_apellido']},{valor}"],
    )
    with pytest.raises(CommandError):
        importar(ruta)
    informe = (tmp_path / "registro.csv.rechazos.csv").read_text(encoding="utf-8")
    assert f"2,{a['curp']}," in informe and motivo in informe
    assert not Derechohabiente.objects.exists()


def test_sin_columna_vigente_no_se_toca_lo_que_ya_habia(tmp_path, filas):
    a = filas[0]
    basica = f"{a['curp']},{a['nombre']},{a['primer_apellido']},{a['segundo_apellido']}"
    importar(
        escribir(tmp_path, "curp,nombre,primer_apellido,segundo_apellido,vigente", [basica + ",no"])
    )
    importar(
        escribir(
            tmp_path, "curp,nombre,primer_apellido,segundo_apellido", [basica], nombre="otro.csv"
        )
    )
    assert not Derechohabiente.objects.get(curp=a["curp"]).vigente


def test_el_informe_de_rechazos_tiene_linea_curp_y_motivo(tmp_path, filas):
    buenas = [",".join(f.values()) for f in filas[:2]]
    ruta = escribir(
        tmp_path, ",".join(importacion.ENCABEZADO), [buenas[0], "XXXX,Ana,Ejemplo,", buenas[1]]
    )
    informe = tmp_path / "rechazos.csv"
    salida, _ = importar(ruta, "--omitir-errores", "--informe", informe)
    assert f"Informe de filas rechazadas: {informe}" in salida
    lineas = informe.read_text(encoding="utf-8").splitlines()
    assert lineas[0] == "linea,curp,motivo"
    assert lineas[1].startswith("3,XXXX,CURP «XXXX»: La CURP tiene 18 caracteres")
    assert Derechohabiente.objects.count() == 2


def test_un_trozo_sin_filas_buenas_no_corta_la_importacion(tmp_path, filas, monkeypatch):
    """The file is checked TROZO lines at a time; runs of lines that are all bad send nothing
    to COPY, and the rows after them must still be imported."""
    monkeypatch.setattr(importacion, "TROZO", 2)
    buenas = [",".join(f.values()) for f in filas[:4]]
    malas = [f"{clave},Ana,Ejemplo," for clave in ("XXXX", "YYYY", "ZZZZ", "WWWW")]
    ruta = escribir(tmp_path, ",".join(importacion.ENCABEZADO), buenas[:2] + malas + buenas[2:])

    salida, _ = importar(ruta, "--omitir-errores")

    assert "4 nuevos" in salida and "4 filas omitidas por errores" in salida
    assert Derechohabiente.objects.count() == 4


def archivo_que_cambia_el_registro(tmp_path, filas, otras: int):
    """A registry of one derechohabiente, and a file that changes that one on its first row
    and adds ``otras`` rows after it."""
    Derechohabiente.objects.create(curp=filas[0]["curp"], nombre="Antes", primer_apellido="Intacto")
    ruta = tmp_path / "nacional.csv"
    with open(ruta, "w", encoding="utf-8") as archivo:
        archivo.write(",".join(importacion.ENCABEZADO) + "\n")
        archivo.write(f"{filas[0]['curp']},Después,Cambiado,\n")
        archivo.writelines(sinteticos.lineas(otras, semilla=5))
    return ruta


def registro() -> list[tuple[str, str, str]]:
    return list(Derechohabiente.objects.values_list("curp", "nombre", "primer_apellido"))


def test_una_interrupcion_a_medias_deja_el_registro_como_estaba(tmp_path, filas):
    ruta = archivo_que_cambia_el_registro(tmp_path, filas, 250_000)

    def ctrl_c(filas_leidas):  # what the terminal's Ctrl-C raises, 200,000 rows in
        if filas_leidas >= 200_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importacion.importar(ruta, avance=ctrl_c)
    assert registro() == [(filas[0]["curp"], "Antes", "Intacto")]


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_en_la_terminal_detiene_la_importacion_y_no_deja_nada(tmp_path, filas):
    ruta = archivo_que_cambia_el_registro(tmp_path, filas, 2_000_000)
    proceso = subprocess.Popen(
        ["scripts/con-basedatos.sh", ".venv/bin/python", "manage.py"]
        + ["importar_derechohabientes", str(ruta)],
        cwd=settings.BASE_DIR,
        env=entorno_de_una_terminal_nueva(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal of its own: Ctrl-C reaches the command's group
    )
    try:
        avance = next((linea for linea in proceso.stderr if "filas leídas" in linea), "")
        assert avance.startswith("1,000,000 filas leídas")  # halfway through the file
        os.killpg(proceso.pid, signal.SIGINT)  # the terminal sends it to the workers too
        proceso.wait(timeout=60)  # it writes a line or two: no pipe fills up meanwhile
        errores = proceso.stderr.read()
    finally:
        if proceso.poll() is None:
            os.killpg(proceso.pid, signal.SIGKILL)
    assert proceso.returncode == 130, errores
    assert "Importación interrumpida: no se importó nada" in errores
    assert "Traceback" not in errores
    assert registro() == [(filas[0]["curp"], "Antes", "Intacto")]
    with pytest.raises(ProcessLookupError):
        os.killpg(proceso.pid, 0)  # no worker process left behind


def test_una_primera_carga_reconstruye_la_restriccion_y_el_indice(tmp_path, filas):
    importar(
        escribir(tmp_path, ",".join(importacion.ENCABEZADO), [",".join(f.values()) for f in filas])
    )
    assert Derechohabiente.objects.count() == 6
    with pytest.raises(IntegrityError), transaction.atomic():
        Derechohabiente.objects.bulk_create(
            [Derechohabiente(curp=filas[0]["curp"], nombre="X", primer_apellido="Y")]
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'registro_derechohabiente'"
        )
        indices = {fila[0] for fila in cursor.fetchall()}
    assert {"derechohabiente_curp_unica", "derechohabiente_clave_nombre"} <= indices
    assert Derechohabiente.objects.get(curp=filas[0]["curp"]).clave_nombre
