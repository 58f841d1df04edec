"""What the portal's tests share. Its pages lead into the registration, so they use
registro's test helpers and fixtures (the registry's rows, each test in the default
language), imported here from registro/tests/conftest.py: pytest finds the fixtures through
this conftest, the test modules import the helpers from it."""

from html.parser import HTMLParser

from registro.tests.conftest import (  # noqa: F401 - fixtures and helpers for portal/tests
    CONTRASENA,
    crear_derechohabiente,
    derechohabiente,
    ficha_csrf,
    idioma_por_omision,
    respuesta_captcha,
)

SERVICIOS_DEL_INSTRUCTIVO = [
    "Mi Oficina Virtual",
    "Agenda TU Cita Médica",
    "Comprobantes de Pago a Pensionistas",
    "Consulta e Imprime tu CURP",
    "Pago de Cuotas y Aportaciones",
    "Trámite de Préstamos Personales",
    "Inventario Medicamentos y Mat. de Curación",
    "Ventanilla Electrónica de Servicios",
    "Ver más servicios",
]


class Enlaces(HTMLParser):
    """The links of a page as a person reads them: text -> href."""

    def __init__(self, html: str):
        super().__init__()
        self.enlaces: list[tuple[str, str]] = []
        self._href = None
        self._texto = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._texto = dict(attrs).get("href"), ""

    def handle_data(self, data):
        if self._href is not None:
            self._texto += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.enlaces.append((" ".join(self._texto.split()), self._href))
            self._href = None

    def href(self, texto: str) -> str:
        encontrados = [href for t, href in self.enlaces if t == texto]
        assert len(encontrados) == 1, f"{texto!r} aparece {len(encontrados)} veces"
        return encontrados[0]


def pagina(client, url: str) -> str:
    respuesta = client.get(url)
    assert respuesta.status_code == 200, url
    return respuesta.content.decode()
