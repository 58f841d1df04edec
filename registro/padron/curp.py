"""CURP (Clave Única de Registro de Población): the one place that knows its rules.

python-stdnum's ``stdnum.mx.curp`` checks structure, date, state and check
digit, but it rejects the sex marker ``X`` (non-binary, issued since 2023) and
accepts birth dates in the future. We wrap it rather than fork it, and check
part by part first so that the person is told *which* part is wrong.
"""

import datetime
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.mx import curp as stdnum_curp

LONGITUD = 18

MENSAJES = {
    "vacia": _("Escriba la CURP."),
    "longitud": _("La CURP tiene 18 caracteres; usted escribió %(n)s."),
    "caracteres": _("La CURP solo lleva letras sin acentos y números."),
    "iniciales": _(
        "Los primeros 4 caracteres de la CURP deben ser letras (iniciales de apellidos y nombre)."
    ),
    "fecha_formato": _(
        "Los caracteres 5 a 10 de la CURP deben ser números: la fecha de nacimiento (AAMMDD)."
    ),
    "fecha_invalida": _("La fecha de nacimiento de la CURP (caracteres 5 a 10) no existe."),
    "fecha_futura": _("La fecha de nacimiento de la CURP (caracteres 5 a 10) es posterior a hoy."),
    "sexo": _("El carácter 11 de la CURP indica el sexo y debe ser H, M o X."),
    "entidad": _(
        "Los caracteres 12 y 13 de la CURP deben ser la clave de una entidad federativa "
        "(por ejemplo DF, JC o NE)."
    ),
    "consonantes": _("Los caracteres 14 a 16 de la CURP deben ser letras (consonantes internas)."),
    "verificador": _(
        "El último carácter de la CURP (dígito verificador) no corresponde al resto de la clave. "
        "Revise que la haya escrito completa y sin errores."
    ),
    "palabra": _("Los primeros 4 caracteres de la CURP no forman una clave válida."),
}

ENTIDADES = {
    "AS": "Aguascalientes",
    "BC": "Baja California",
    "BS": "Baja California Sur",
    "CC": "Campeche",
    "CL": "Coahuila",
    "CM": "Colima",
    "CS": "Chiapas",
    "CH": "Chihuahua",
    "DF": "Ciudad de México",
    "DG": "Durango",
    "GT": "Guanajuato",
    "GR": "Guerrero",
    "HG": "Hidalgo",
    "JC": "Jalisco",
    "MC": "Estado de México",
    "MN": "Michoacán",
    "MS": "Morelos",
    "NT": "Nayarit",
    "NL": "Nuevo León",
    "OC": "Oaxaca",
    "PL": "Puebla",
    "QT": "Querétaro",
    "QR": "Quintana Roo",
    "SP": "San Luis Potosí",
    "SL": "Sinaloa",
    "SR": "Sonora",
    "TC": "Tabasco",
    "TS": "Tamaulipas",
    "TL": "Tlaxcala",
    "VZ": "Veracruz",
    "YN": "Yucatán",
    "ZS": "Zacatecas",
    "NE": "Nacido en el extranjero",
}


def normalizar(valor: str) -> str:
    """Upper-case, without spaces, hyphens or other separators people type."""
    valor = unicodedata.normalize("NFC", valor or "")
    return re.sub(r"[\s\-_.]", "", valor).upper()


def _error(clave: str, **params) -> ValidationError:
    return ValidationError(MENSAJES[clave], code=f"curp_{clave}", params=params or None)


# For each of the first 17 positions, each character's value times the position's weight:
# stdnum's calc_check_digit, tabulated (a test checks they agree) because the bulk import
# computes it 14 million times.
PESOS = [
    {c: v * (18 - posicion) for v, c in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ")}
    for posicion in range(17)
]


def digito_verificador(primeros_17: str) -> str:
    return str(-sum(map(dict.__getitem__, PESOS, primeros_17)) % 10)


ESTRUCTURA = re.compile(r"[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[A-Z0-9][0-9]")
_PARTES = [
    (re.compile(r"[A-Z]{4}"), slice(0, 4), "iniciales"),
    (re.compile(r"[0-9]{6}"), slice(4, 10), "fecha_formato"),
    (re.compile(r"[HMX]"), slice(10, 11), "sexo"),
    (re.compile(r"[A-Z]{2}"), slice(11, 13), "entidad"),
    (re.compile(r"[A-Z]{3}"), slice(13, 16), "consonantes"),
    (re.compile(r"[0-9]"), slice(17, 18), "verificador"),
]


@functools.lru_cache(maxsize=80_000)
def _fecha(aammdd: str, siglo_xxi: bool) -> datetime.date | None:
    try:
        return datetime.date(
            (2000 if siglo_xxi else 1900) + int(aammdd[:2]), int(aammdd[2:4]), int(aammdd[4:])
        )
    except ValueError:
        return None


def fecha_de_nacimiento(curp: str) -> datetime.date:
    """Birth date; the 17th character tells the century (digit: 1900s, letter: 2000s)."""
    fecha = _fecha(curp[4:10], not curp[16].isdigit())
    if fecha is None:
        raise ValueError(f"fecha inexistente en la CURP: {curp[4:10]}")
    return fecha


def problema(curp: str, hoy: datetime.date | None = None) -> tuple[str, dict] | None:
    """What is wrong with an already normalised CURP (a MENSAJES key and its parameters), or
    None. The one implementation of the rules: the web form and the bulk import both use it,
    so it is written to be fast for the common, valid case."""
    if not curp:
        return "vacia", {}
    if len(curp) != LONGITUD or not ESTRUCTURA.fullmatch(curp):
        if not curp.isascii() or not curp.isalnum():
            return "caracteres", {}
        if len(curp) != LONGITUD:
            return "longitud", {"n": len(curp)}
        for patron, parte, clave in _PARTES:
            if not patron.fullmatch(curp[parte]):
                return clave, {}
    nacimiento = _fecha(curp[4:10], not curp[16].isdigit())
    if nacimiento is None:
        return "fecha_invalida", {}
    if nacimiento > (hoy or timezone.localdate()):
        return "fecha_futura", {}
    if curp[11:13] not in ENTIDADES:
        return "entidad", {}
    if curp[17] != digito_verificador(curp[:17]):
        return "verificador", {}
    # stdnum knows only H and M; its word list is the rest of what it checks.
    if curp[:4] in stdnum_curp._name_blacklist:
        return "palabra", {}
    return None


def validar(valor: str) -> str:
    """Return the normalised CURP, or raise ValidationError naming the part at fault."""
    curp = normalizar(valor)
    encontrado = problema(curp)
    if encontrado is not None:
        raise _error(encontrado[0], **encontrado[1])
    return curp


def es_valida(valor) -> bool:
    if not isinstance(valor, str):
        return False
    try:
        validar(valor)
    except ValidationError:
        return False
    return True


def enmascarar(curp: str) -> str:
    """Hide all but the last four characters, for screens and logs."""
    return "*" * (len(curp) - 4) + curp[-4:]


_VOCALES = "AEIOU"
_NOMBRES_COMUNES = {"JOSE", "J", "J.", "MARIA", "MA", "MA.", "M", "M."}
_PARTICULAS = {"DA", "DAS", "DE", "DEL", "DER", "DI", "DIE", "DD", "EL", "LA", "LOS", "LAS", "LE"}
_PARTICULAS |= {"LES", "MAC", "MC", "VAN", "VON", "Y"}


def _sin_acentos(texto: str) -> str:
    texto = texto.upper().replace("Ñ", "X")
    texto = unicodedata.normalize("NFD", texto)
    return "".join(c for c in texto if c.isalpha() or c == " ").strip()


def _palabra_principal(texto: str, *, es_nombre: bool = False) -> str:
    palabras = [p for p in _sin_acentos(texto).split() if p not in _PARTICULAS]
    if es_nombre and len(palabras) > 1 and palabras[0] in _NOMBRES_COMUNES:
        palabras = palabras[1:]
    return palabras[0] if palabras else "X"


def _vocal_interna(palabra: str) -> str:
    return next((c for c in palabra[1:] if c in _VOCALES), "X")


def _consonante_interna(palabra: str) -> str:
    return next((c for c in palabra[1:] if c.isalpha() and c not in _VOCALES), "X")


def construir(
    nombre: str,
    primer_apellido: str,
    segundo_apellido: str,
    nacimiento: datetime.date,
    sexo: str,
    entidad: str,
    homoclave: str,
) -> str:
    """Build a CURP from a person's data as RENAPO does (used for synthetic test data)."""
    ap1 = _palabra_principal(primer_apellido)
    ap2 = _palabra_principal(segundo_apellido) if segundo_apellido.strip() else "X"
    nom = _palabra_principal(nombre, es_nombre=True)
    iniciales = ap1[0] + _vocal_interna(ap1) + ap2[0] + nom[0]
    if iniciales in stdnum_curp._name_blacklist:
        iniciales = iniciales[0] + "X" + iniciales[2:]
    primeros_17 = (
        iniciales
        + nacimiento.strftime("%y%m%d")
        + sexo
        + entidad
        + _consonante_interna(ap1)
        + _consonante_interna(ap2)
        + _consonante_interna(nom)
        + homoclave
    )
    return primeros_17 + digito_verificador(primeros_17)
