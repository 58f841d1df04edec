"""deploy/: the process files a deployment runs name the project's own commands, with
arguments those commands take, and restart them."""

import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands, load_command_class

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def procesos() -> dict[str, str]:
    """The Procfile's processes: name -> command."""
    lineas = (DEPLOY / "Procfile").read_text().splitlines()
    return dict(
        linea.split(": ", 1) for linea in lineas if linea.strip() and not linea.startswith("#")
    )


def test_el_procfile_nombra_el_servidor_el_correo_y_el_mantenimiento():
    assert set(procesos()) == {"web", "correo", "mantenimiento"}
    for comando in procesos().values():
        programa, *argumentos = shlex.split(comando)
        assert (Path(settings.BASE_DIR) / programa).parent == Path(settings.BASE_DIR) / ".venv/bin"
        if "manage.py" in argumentos:
            nombre, *opciones = argumentos[argumentos.index("manage.py") + 1 :]
            clase = load_command_class(get_commands()[nombre], nombre)
            clase.create_parser("manage.py", nombre).parse_args(opciones)  # exits if wrong
        else:
            assert argumentos == ["-c", "gunicorn.conf.py"]
            assert (Path(settings.BASE_DIR) / "gunicorn.conf.py").exists()


def test_cada_unidad_de_systemd_corre_un_proceso_del_procfile_y_lo_reinicia():
    unidades = sorted((DEPLOY / "systemd").glob("*.service"))
    corren = set()
    for unidad in unidades:
        texto = unidad.read_text()
        (orden,) = re.findall(r"^ExecStart=(.+)$", texto, re.M)
        corren.add(orden.replace("/srv/oficina-virtual/", "", 1))
        assert re.search(r"^Restart=always$", texto, re.M), unidad.name
        assert re.search(r"^EnvironmentFile=", texto, re.M), unidad.name
    assert corren == set(procesos().values())
    assert len(unidades) == len(procesos())
