"""The English interface: a complete catalogue, compiled, and served only under /en/."""

import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

CATALOGO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGO / "django.po"
MO = CATALOGO / "django.mo"

# Python-format placeholders: %(name)s, %(n)d, %s … but not a literal "%%".
MARCADOR = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
ETIQUETA_HTML = re.compile(r"</?[a-zA-Z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entrada:
    """One message of a .po file; msgstr is keyed by plural form (0 for a singular)."""

    linea: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    banderas: set[str] = field(default_factory=set)

    def fuentes(self) -> dict[int, str]:
        """The source text each plural form translates: form 0 the singular, the rest the plural."""
        if self.msgid_plural is None:
            return {0: self.msgid}
        return {n: self.msgid if n == 0 else self.msgid_plural for n in self.msgstr}


def _cadena(literal: str) -> str:
    """The text of one quoted .po string: "a \\"b\\"\\n" -> a "b" + newline."""
    assert literal.startswith('"') and literal.endswith('"'), literal
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), literal[1:-1])


def leer_po(ruta: Path) -> list[Entrada]:
    """Every entry of a .po file, header included, with multi-line strings and plurals joined.

    Obsolete entries ("#~") and other comments are skipped.
    """
    entradas: list[Entrada] = []
    actual: Entrada | None = None
    campo: tuple[str, int] | None = None  # the keyword continuation lines add to

    def anadir(texto: str) -> None:
        clave, forma = campo
        if clave == "msgstr":
            actual.msgstr[forma] = actual.msgstr.get(forma, "") + texto
        else:
            setattr(actual, clave, (getattr(actual, clave) or "") + texto)

    for numero, linea in enumerate(ruta.read_text(encoding="utf-8").splitlines(), start=1):
        linea = linea.strip()
        if not linea:
            actual, campo = None, None
            continue
        if linea.startswith("#"):
            if linea.startswith("#,"):
                if actual is None or campo is not None:
                    actual = Entrada(linea=numero)
                    entradas.append(actual)
                    campo = None
                actual.banderas.update(b.strip() for b in linea[2:].split(",") if b.strip())
            continue
        if linea.startswith('"'):
            assert campo is not None, f"{ruta}:{numero}: string outside any keyword"
            anadir(_cadena(linea))
            continue
        palabra, _espacio, resto = linea.partition(" ")
        forma = re.fullmatch(r"msgstr\[(\d+)\]", palabra)
        if palabra in ("msgctxt", "msgid") and (actual is None or actual.msgstr):
            actual = Entrada(linea=numero)  # a new entry, even without a blank line before it
            entradas.append(actual)
        elif actual is None:
            actual = Entrada(linea=numero)
            entradas.append(actual)
        if forma:
            campo = ("msgstr", int(forma.group(1)))
        elif palabra == "msgstr":
            campo = ("msgstr", 0)
        elif palabra in ("msgctxt", "msgid", "msgid_plural"):
            campo = (palabra, 0)
        else:
            raise AssertionError(f"{ruta}:{numero}: unexpected line {linea!r}")
        anadir(_cadena(resto.strip()))
    return entradas


@pytest.fixture(scope="module")
def entradas() -> list[Entrada]:
    return leer_po(PO)


@pytest.fixture(scope="module")
def mensajes(entradas) -> list[Entrada]:
    """The entries without the header (whose msgid is empty)."""
    return [e for e in entradas if e.msgid]


def nombre(entrada: Entrada) -> str:
    return f"{PO.name}:{entrada.linea} {entrada.msgid[:60]!r}"


# (a) The catalogue is complete and every translation keeps what the program fills in.


def test_el_lector_de_po_entiende_lineas_multiples_y_plurales(tmp_path):
    ruta = tmp_path / "prueba.po"
    ruta.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgid ""\n"Uno %(n)s "\n"dos \\"tres\\""\nmsgstr "One"\n\n'
        'msgid "gato"\nmsgid_plural "gatos"\nmsgstr[0] "cat"\nmsgstr[1] ""\n"cats"\n',
        encoding="utf-8",
    )
    cabecera, multilinea, plural = leer_po(ruta)
    assert cabecera.msgstr[0] == "Plural-Forms: nplurals=2; plural=(n != 1);\n"
    assert multilinea.msgid == 'Uno %(n)s dos "tres"'
    assert multilinea.banderas == {"fuzzy", "python-format"}
    assert (plural.msgid, plural.msgid_plural) == ("gato", "gatos")
    assert plural.msgstr == {0: "cat", 1: "cats"}


def test_el_catalogo_tiene_los_mensajes_de_la_interfaz(mensajes):
    msgids = {e.msgid for e in mensajes}
    assert {"Buscar", "Servicios en Línea", "Estimado Derechohabiente:"} <= msgids
    assert len(mensajes) > 100


def test_cada_mensaje_tiene_traduccion(entradas, mensajes):
    cabecera = next(e for e in entradas if not e.msgid)
    nplurals = int(re.search(r"nplurals=(\d+)", cabecera.msgstr[0]).group(1))
    sin_traducir = []
    for entrada in mensajes:
        formas = range(nplurals) if entrada.msgid_plural is not None else range(1)
        if set(entrada.msgstr) != set(formas) or not all(entrada.msgstr[n].strip() for n in formas):
            sin_traducir.append(nombre(entrada))
    assert sin_traducir == []


def test_ningun_mensaje_es_fuzzy(entradas):
    # The header counts too: msgfmt leaves out a fuzzy header, and with it the plural rule.
    assert [nombre(e) for e in entradas if "fuzzy" in e.banderas] == []


def test_las_traducciones_conservan_los_marcadores(mensajes):
    distintas = [
        (nombre(entrada), n)
        for entrada in mensajes
        for n, fuente in entrada.fuentes().items()
        if sorted(MARCADOR.findall(fuente)) != sorted(MARCADOR.findall(entrada.msgstr.get(n, "")))
    ]
    assert distintas == []


def test_las_traducciones_conservan_las_etiquetas_html(mensajes):
    distintas = [
        (nombre(entrada), n)
        for entrada in mensajes
        for n, fuente in entrada.fuentes().items()
        if ETIQUETA_HTML.findall(fuente) != ETIQUETA_HTML.findall(entrada.msgstr.get(n, ""))
    ]
    assert distintas == []


def test_los_nombres_de_los_idiomas_no_se_traducen(mensajes):
    traducciones = {e.msgid: e.msgstr[0] for e in mensajes}
    assert traducciones["English"] == "English"
    assert traducciones["Español"] == "Español"


# (b) The compiled catalogue is the one in the .po: a forgotten compilemessages fails here.


def test_el_mo_compilado_coincide_con_el_po(mensajes):
    assert MO.exists(), f"{MO} is missing: run `manage.py compilemessages -l en`"
    with MO.open("rb") as archivo:
        compilado = gettext.GNUTranslations(archivo)
    distintas = []
    for entrada in mensajes:
        if entrada.msgid_plural is not None:
            obtenidas = {
                0: compilado.ngettext(entrada.msgid, entrada.msgid_plural, 1),
                1: compilado.ngettext(entrada.msgid, entrada.msgid_plural, 2),
            }
            esperadas = {n: entrada.msgstr.get(n) for n in obtenidas}
        elif entrada.msgctxt is not None:
            obtenidas = {0: compilado.pgettext(entrada.msgctxt, entrada.msgid)}
            esperadas = {0: entrada.msgstr.get(0)}
        else:
            obtenidas = {0: compilado.gettext(entrada.msgid)}
            esperadas = {0: entrada.msgstr.get(0)}
        if obtenidas != esperadas:
            distintas.append((nombre(entrada), obtenidas, esperadas))
    assert distintas == [], "django.mo is out of date: run `manage.py compilemessages -l en`"


# (c) and (d) The pages: English under /en/, Spanish everywhere else.


class Textos(HTMLParser):
    """The text of a page's headings, labels, buttons and links, as (tag, text)."""

    ETIQUETAS = {"h1", "h2", "label", "button", "a"}

    def __init__(self, html: str):
        super().__init__()
        self.textos: list[tuple[str, str]] = []
        self._abiertas: list[list[str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in self.ETIQUETAS:
            self._abiertas.append([tag, ""])

    def handle_data(self, data):
        for abierta in self._abiertas:
            abierta[1] += data

    def handle_endtag(self, tag):
        if tag in self.ETIQUETAS and self._abiertas and self._abiertas[-1][0] == tag:
            etiqueta, texto = self._abiertas.pop()
            self.textos.append((etiqueta, " ".join(texto.split())))


def idioma_declarado(html: str) -> str | None:
    encontrado = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", html)
    return encontrado.group(1) if encontrado else None


def pagina(client, url: str, accept_language: str | None = None) -> str:
    cabeceras = {"Accept-Language": accept_language} if accept_language else {}
    respuesta = client.get(url, headers=cabeceras)
    assert respuesta.status_code == 200, url
    return respuesta.content.decode()


# url, (tag, text) a person must see, texts of the other language that must not be there
PAGINAS_EN_INGLES = [
    (
        "/en/",
        [("button", "Online Services"), ("a", "My Virtual Office"), ("a", "Español")],
        ["Servicios en Línea", "Mi Oficina Virtual"],
    ),
    (
        "/en/oficina-virtual/",
        [("h1", "Dear Beneficiary:"), ("label", "Search"), ("button", "GO"), ("a", "Register")],
        ["Estimado Derechohabiente", ">Buscar<", ">IR<"],
    ),
    (
        "/en/oficina-virtual/registro/",
        [("h1", "Register"), ("label", "CURP:"), ("button", "Search"), ("label", "Search")],
        [">Buscar<", "Anote la clave", "Registro: buscar CURP"],
    ),
]

PAGINAS_EN_ESPANOL = [
    (
        "/",
        [("button", "Servicios en Línea"), ("a", "Mi Oficina Virtual"), ("a", "English")],
        ["Online Services", "My Virtual Office"],
    ),
    (
        "/oficina-virtual/",
        [("h1", "Estimado Derechohabiente:"), ("label", "Buscar"), ("button", "IR")],
        ["Dear Beneficiary", ">Search<", ">GO<"],
    ),
    (
        "/oficina-virtual/registro/",
        [("h1", "Registro"), ("label", "CURP:"), ("button", "Buscar")],
        [">Search<", "Enter the worker"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "se_ve", "no_se_ve"), PAGINAS_EN_INGLES)
def test_las_paginas_bajo_en_estan_en_ingles(client, url, se_ve, no_se_ve):
    html = pagina(client, url)
    textos = Textos(html).textos
    assert [t for t in se_ve if t not in textos] == []
    assert [t for t in no_se_ve if t in html] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [url for url, _se_ve, _no_se_ve in PAGINAS_EN_INGLES])
def test_las_paginas_bajo_en_declaran_lang_en(client, url):
    assert idioma_declarado(pagina(client, url)) == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "se_ve", "no_se_ve"), PAGINAS_EN_ESPANOL)
def test_sin_en_las_paginas_siguen_en_espanol_aunque_el_navegador_pida_ingles(
    client, url, se_ve, no_se_ve
):
    html = pagina(client, url, accept_language="en-US,en;q=0.9")
    textos = Textos(html).textos
    assert [t for t in se_ve if t not in textos] == []
    assert [t for t in no_se_ve if t in html] == []
    assert idioma_declarado(html) == "es-MX"
