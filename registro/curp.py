"""CURP (Clave Única de Registro de Población): the one place that knows its rules.

python-stdnum's ``stdnum.mx.curp`` checks structure, date, state and check
digit, but it rejects the sex marker ``X`` (non-binary, issued since 2023) and
accepts birth dates in the future. We wrap it rather than fork it, and check
part by part first so that the person is told *which* part is wrong.
"""

import datetime
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


def fecha_de_nacimiento(curp: str) -> datetime.date:
    """Birth date; the 17th character tells the century (digit: 1900s, letter: 2000s)."""
    siglo = 1900 if curp[16].isdigit() else 2000
    return datetime.date(siglo + int(curp[4:6]), int(curp[6:8]), int(curp[8:10]))


def digito_verificador(primeros_17: str) -> str:
    return stdnum_curp.calc_check_digit(primeros_17)


def validar(valor: str) -> str:
    """Return the normalised CURP, or raise ValidationError naming the part at fault."""
    curp = normalizar(valor)
    if not curp:
        raise _error("vacia")
    if not re.fullmatch(r"[A-Z0-9]*", curp):
        raise _error("caracteres")
    if len(curp) != LONGITUD:
        raise _error("longitud", n=len(curp))
    partes = [
        (r"[A-Z]{4}", curp[0:4], "iniciales"),
        (r"[0-9]{6}", curp[4:10], "fecha_formato"),
        (r"[HMX]", curp[10], "sexo"),
        (r"[A-Z]{2}", curp[11:13], "entidad"),
        (r"[A-Z]{3}", curp[13:16], "consonantes"),
        (r"[0-9]", curp[17], "verificador"),
    ]
    for patron, parte, clave in partes:
        if not re.fullmatch(patron, parte):
            raise _error(clave)
    try:
        nacimiento = fecha_de_nacimiento(curp)
    except ValueError:
        raise _error("fecha_invalida") from None
    if nacimiento > timezone.localdate():
        raise _error("fecha_futura")
    if curp[11:13] not in ENTIDADES:
        raise _error("entidad")
    if curp[17] != digito_verificador(curp[:17]):
        raise _error("verificador")
    # stdnum knows only H and M; the check digit is already verified above.
    try:
        stdnum_curp.validate(curp[:10] + "H" + curp[11:], validate_check_digits=False)
    except stdnum_curp.ValidationError:
        raise _error("palabra") from None
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
