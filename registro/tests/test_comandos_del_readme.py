"""README's data and staff commands, run as README writes them, from a shell that has set
nothing: no DEBUG, no SECRET_KEY (only DATABASE_URL, pointed at the test database so the
developer's data is left alone)."""

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from registro.models import Derechohabiente, SalaDeEspera, Usuario

from .conftest import entorno_de_una_terminal_nueva

README = Path(settings.BASE_DIR) / "README.md"
ENVOLTURA = "scripts/con-basedatos.sh"


def comandos_del_readme() -> dict[str, str]:
    """Each command line README shows in its ``sh`` blocks through the wrapper, by the
    manage.py command it runs."""
    bloques = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    lineas = [linea for bloque in bloques for linea in bloque.splitlines()]
    return {
        linea.split("manage.py ")[1].split()[0]: linea
        for linea in lineas
        if linea.startswith(ENVOLTURA + " ")
    }


def correr(linea: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", linea],
        cwd=settings.BASE_DIR,
        env=entorno_de_una_terminal_nueva(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def correr_en_una_terminal(linea: str, respuestas: list[str], segundos: float = 60) -> str:
    """``linea`` in a terminal of its own (createsuperuser asks only a terminal), typing each
    answer once the command waits for it after a prompt; what the terminal showed."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the new one
        os.chdir(settings.BASE_DIR)
        os.execvpe("bash", ["bash", "-c", linea], entorno_de_una_terminal_nueva())  # noqa: S606
    pantalla, pendientes, limite = b"", list(respuestas), time.monotonic() + segundos
    try:
        while time.monotonic() < limite:
            listos, _, _ = select.select([terminal], [], [], 0.5)
            if not listos:
                if pendientes and pantalla.rstrip().endswith(b":"):
                    os.write(terminal, pendientes.pop(0).encode() + b"\n")
                continue
            try:
                trozo = os.read(terminal, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not trozo:
                break
            pantalla += trozo
    finally:
        _, estado = os.waitpid(pid, 0)
        os.close(terminal)
    texto = pantalla.decode(errors="replace")
    assert os.waitstatus_to_exitcode(estado) == 0, texto
    return texto


def test_el_readme_muestra_los_comandos_de_datos_y_de_personal():
    assert set(comandos_del_readme()) == {
        "createsuperuser",
        "importar_derechohabientes",
        "generar_derechohabientes",
        "cargar_demo",
        "purgar_vencidos",
        "enviar_correos",
        "axes_reset_username",
        "sala_de_espera",
    }


@pytest.mark.django_db(transaction=True)
def test_los_comandos_del_readme_funcionan_tal_como_estan_escritos(tmp_path):
    comandos = comandos_del_readme()

    demo = correr(comandos["cargar_demo"])
    assert demo.returncode == 0, demo.stderr
    assert Derechohabiente.objects.count() == 40

    # README's own file name and placeholders, for a file of this test's.
    archivo = tmp_path / "dh.csv"
    readme = "/tmp/dh.csv"  # noqa: S108 - the path README shows, replaced
    generar = correr(comandos["generar_derechohabientes"].replace(readme, str(archivo)))
    assert generar.returncode == 0, generar.stderr
    assert len(archivo.read_text(encoding="utf-8").splitlines()) == 1 + 1000

    importar = correr(
        comandos["importar_derechohabientes"]
        .replace("FILE.csv", str(archivo))
        .replace("[--omitir-errores]", "--omitir-errores")
    )
    assert importar.returncode == 0, importar.stderr
    assert "Importación terminada" in importar.stdout
    assert Derechohabiente.objects.count() > 40

    for nombre in ("purgar_vencidos", "enviar_correos"):
        resultado = correr(comandos[nombre])
        assert resultado.returncode == 0, (nombre, resultado.stderr)

    sala = correr(comandos["sala_de_espera"])
    assert sala.returncode == 0, sala.stderr
    assert "Sala de espera: automatica" in sala.stdout
    # As its comment shows it: a mode and a rate after it.
    sala = correr(comandos["sala_de_espera"] + " siempre --tasa 0")
    assert "Sala de espera: siempre; admite 0.00 personas por segundo" in sala.stdout
    assert SalaDeEspera.objects.get().modo == "siempre"

    desbloquear = correr(comandos["axes_reset_username"].replace("NOMBRE", "ana.ejemplo"))
    assert desbloquear.returncode == 0, desbloquear.stderr

    pantalla = correr_en_una_terminal(
        comandos["createsuperuser"],
        [
            "mesa.ayuda",
            "mesa.ayuda@correo.example",
            "Clave del personal 2026",
            "Clave del personal 2026",
        ],
    )
    assert "ImproperlyConfigured" not in pantalla
    personal = Usuario.objects.get(username="mesa.ayuda")
    assert personal.is_superuser and personal.is_staff
    assert personal.check_password("Clave del personal 2026")
