"""CURP rules (registro/padron/curp.py): normalise, validate part by part, mask, build, and
the check digit as python-stdnum computes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from registro.padron import curp, sinteticos

VALIDA = "BOXW310820HNERXN09"  # python-stdnum's own example


def mensaje_de_error(valor: str) -> str:
    with pytest.raises(ValidationError) as error:
        curp.validar(valor)
    return error.value.messages[0]


def con_verificador(primeros_17: str) -> str:
    return primeros_17 + curp.digito_verificador(primeros_17)


def test_una_curp_valida_se_acepta():
    assert curp.validar(VALIDA) == VALIDA


def test_se_normaliza_lo_que_la_gente_escribe():
    assert curp.validar("  boxw-310820 hnerxn09 ") == VALIDA


def test_el_sexo_x_emitido_desde_2023_es_valido():
    no_binaria = con_verificador("BOXW310820XNERXN0")
    assert curp.validar(no_binaria) == no_binaria


def test_una_fecha_de_nacimiento_futura_se_rechaza():
    manana = datetime.date.today() + datetime.timedelta(days=400)
    futura = con_verificador(f"BOXW{manana:%y%m%d}HNERXNA")
    assert "posterior a hoy" in mensaje_de_error(futura)


@pytest.mark.parametrize(
    ("valor", "se_explica"),
    [
        ("", "Escriba la CURP"),
        ("BOXW310820HNERXN0", "18 caracteres; usted escribió 17"),
        ("BOXW310820HNERXN099", "usted escribió 19"),
        ("BÓXW310820HNERXN09", "letras sin acentos y números"),
        ("B0XW310820HNERXN09", "primeros 4 caracteres"),
        ("BOXW31O820HNERXN09", "caracteres 5 a 10"),
        ("BOXW310230HNERXN09", "no existe"),
        ("BOXW310820ZNERXN09", "carácter 11"),
        ("BOXW310820HZZRXN09", "entidad federativa"),
        ("BOXW310820HNE1XN09", "caracteres 14 a 16"),
        ("BOXW310820HNERXN0A", "dígito verificador"),
        ("BOXW310820HNERXN08", "dígito verificador"),
    ],
)
def test_cada_parte_mal_escrita_se_nombra(valor, se_explica):
    assert se_explica in mensaje_de_error(valor)


def test_una_palabra_prohibida_como_iniciales_se_rechaza():
    assert "no forman una clave válida" in mensaje_de_error(con_verificador("PUTO310820HNERXN0"))


def test_la_mascara_deja_ver_solo_los_ultimos_cuatro():
    assert curp.enmascarar(VALIDA) == "**************XN09"


def test_construir_sigue_las_reglas_de_renapo():
    clave = curp.construir(
        "María Guadalupe", "Ñandú", "de la Peña", datetime.date(1999, 12, 31), "M", "JC", "0"
    )
    # Ñ counts as X; "María" is skipped in compound names; "de la" is skipped in surnames.
    assert clave[:16] == "XAPG991231MJCNXD"
    assert curp.es_valida(clave)


def test_el_digito_verificador_tabulado_coincide_con_python_stdnum():
    from stdnum.mx import curp as stdnum_curp

    for fila in sinteticos.generar(2000, semilla=11):
        primeros_17 = fila["curp"][:17]
        assert curp.digito_verificador(primeros_17) == stdnum_curp.calc_check_digit(primeros_17)
