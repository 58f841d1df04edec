"""A device as a person recognises it ("Chrome en Android"), an address cut short, and the
device's own cookie, which tells a device seen before from a new one."""

import ipaddress
import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

COOKIE = "dispositivo"
DURACION = 2 * 365 * 24 * 60 * 60  # seconds

# First match wins: Edge and Opera say "Chrome" too, Chrome says "Safari".
_NAVEGADORES = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SISTEMAS = [
    (r"Android", "Android"),
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
]


def describir(user_agent: str) -> str:
    """ "Chrome en Android", "Safari en iPhone"; what is not recognised is said plainly."""
    navegador = next((n for p, n in _NAVEGADORES if re.search(p, user_agent)), None)
    sistema = next((s for p, s in _SISTEMAS if re.search(p, user_agent)), None)
    if navegador and sistema:
        return _("%(navegador)s en %(sistema)s") % {"navegador": navegador, "sistema": sistema}
    return navegador or sistema or _("Navegador desconocido")


def recortar(direccion: str) -> str:
    """The network, not the person: 201.141.23.x, or an IPv6 address's first 48 bits."""
    try:
        ip = ipaddress.ip_address(direccion)
    except ValueError:
        return ""
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3]) + ".x"
    red = ipaddress.ip_network(f"{ip}/48", strict=False)
    return f"{red.network_address}/48"


def identificador(request) -> str:
    """This device's id: its cookie's, or a new one that DispositivoMiddleware gives it."""
    propio = request.COOKIES.get(COOKIE, "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", propio):
        propio = getattr(request, "_dispositivo_nuevo", None) or secrets.token_urlsafe(24)
        request._dispositivo_nuevo = propio
    return propio


def huella(identificador_: str) -> str:
    return salted_hmac("registro.dispositivo", identificador_, algorithm="sha256").hexdigest()


class DispositivoMiddleware:
    """Gives the device the cookie its first sign-in drew (identificador)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        nuevo = getattr(request, "_dispositivo_nuevo", None)
        if nuevo:
            respuesta.set_cookie(
                COOKIE, nuevo, max_age=DURACION, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return respuesta
