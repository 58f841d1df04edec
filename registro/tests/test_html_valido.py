"""Every page a person or an operator can reach is valid HTML, and so is every e-mail.

The pages are rendered as they are served (the test client, PostgreSQL), in Spanish and in
English, empty and with the errors their forms show; with the staff admin's pages and the
HTML of the e-mails they sent, they are written into one folder, and the Nu Html Checker
(npm's vnu-jar, on Debian's Java) reads the whole folder in a single run: starting it (the
JVM and the HTML schema) takes seconds, a page a few milliseconds. Its warnings do not fail
the test; its errors do, listed by file and line.
"""

import datetime
import json
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from oficina_virtual.views import error_del_servidor
from portal import menu
from registro import hashes
from registro.cuentas.actividad import flows as actividad
from registro.models import (
    Actividad,
    AppAutenticadora,
    Derechohabiente,
    LlaveDeAcceso,
    SalaDeEspera,
    Usuario,
)
from registro.padron import curp
from registro.sala_de_espera import admision

from .conftest import CONTRASENA, respuesta_captcha

pytestmark = pytest.mark.django_db

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
IDIOMAS = {"es-mx": "es-MX", "en": "en"}  # each language: its <html lang>
# A page the checker must reject: proof that it read the folder and reported what it found.
CONTROL = "control-invalido.html"
HTML_INVALIDO = (
    '<!doctype html><html lang="es"><head><title>Control</title></head>'
    '<body><input type="hidden" name="clave" required></body></html>'
)
CURP_MAL_ESCRITA = "BOXW310820HNERXN08"  # its check digit is wrong
# Errors in Django's own markup on its admin's pages, not this project's to change: the
# message, and a piece of the markup it quotes.
DE_DJANGO = (
    # contrib.auth's ReadOnlyPasswordHashWidget is a <div>, and its field is disabled.
    ("Attribute “disabled” not allowed on element “div” at this point.", 'id="id_password"'),
    # The admin's "change password" form: a help text holding a <ul>, put in a <p>.
    ("No “p” element in scope but a “p” end tag seen.", "</li></ul></p>"),
)


# The limit of new captcha images, already passed by the pages before.
UNA_IMAGEN = {"retos_por_sesion": (1, 10), "retos_por_direccion": (1, 10)}


class Paginas:
    """The pages of one language, written into ``carpeta`` as ``<idioma>-<nombre>.html``."""

    def __init__(self, carpeta: Path, idioma: str, lang: str = ""):
        self.carpeta, self.idioma, self.lang = carpeta, idioma, lang or IDIOMAS[idioma]

    def url(self, nombre: str, *args, consulta: str = "") -> str:
        with translation.override(self.idioma):
            return reverse(nombre, args=args) + consulta

    def guardar(self, nombre: str, respuesta, estado: int = 200, marca: str = "") -> str:
        """Writes the page ``respuesta`` brought, checking first that it is the one meant:
        its status, HTML in this language and, when given, ``marca`` in it."""
        assert respuesta.status_code == estado, (nombre, respuesta.status_code)
        assert respuesta["Content-Type"].startswith("text/html"), nombre
        html = respuesta.content.decode()
        assert f'<html lang="{self.lang}"' in html, nombre
        assert marca in html, (nombre, marca)
        archivo = self.carpeta / f"{self.idioma}-{nombre}.html"
        assert not archivo.exists(), f"{archivo.name} ya se guardó"
        archivo.write_text(html, encoding="utf-8")
        return html


class Argon2Ligero(hashes.Argon2Limitado):
    """The project's hasher, its slots included, at the lowest cost: no page depends on what
    a hash costs, and these pages take dozens."""

    time_cost, memory_cost, parallelism = 1, 8, 1


@contextmanager
def sin_ranura_libre(para_contrasena_nueva: bool):
    """Every password-hashing slot busy: the page says "try again in 5 seconds"."""
    raise hashes.ServidorOcupado(5)
    yield


def enlace_del_buzon(buzon, ruta: str) -> str:
    """The path of the newest link in the mail sent that contains ``ruta``."""
    for mensaje in reversed(buzon()):
        for enlace in re.findall(r"https?://[^/\s]+(/\S+)", mensaje.body):
            if ruta in enlace:
                return enlace
    raise AssertionError(f"ningún correo trae un enlace a {ruta}")


def clave_de_la_app(html: str) -> str:
    return re.search(r'id="clave">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


# The pages, part by part: what a person reaches, each form empty and with its errors.


def portal(p: Paginas) -> None:
    cliente = Client()
    p.guardar("portal", cliente.get(p.url("portal:inicio")))
    p.guardar("oficina-virtual", cliente.get(p.url("portal:oficina")))
    p.guardar("busqueda", cliente.get(p.url("portal:buscar", consulta="?q=préstamos")))
    p.guardar("busqueda-sin-resultados", cliente.get(p.url("portal:buscar", consulta="?q=zzzz")))
    p.guardar("busqueda-vacia", cliente.get(p.url("portal:buscar")))
    for seccion in menu.NO_DISPONIBLES:
        p.guardar(f"no-disponible-{seccion}", cliente.get(p.url("portal:no_disponible", seccion)))
    p.guardar("aviso-de-privacidad", cliente.get(p.url("portal:aviso_de_privacidad")))
    p.guardar("accesibilidad", cliente.get(p.url("portal:accesibilidad")))


def registro(p: Paginas, crear_derechohabiente, monkeypatch) -> None:
    paso_1, paso_2 = p.url("registro:curp"), p.url("registro:usuario")
    cliente = Client()
    p.guardar("paso-1", cliente.get(paso_1), marca='name="curp"')
    sin_busqueda = cliente.get(paso_2, follow=True)
    p.guardar("paso-1-busque-primero", sin_busqueda, marca='role="status"')
    p.guardar("paso-1-vacio", cliente.post(paso_1, {"curp": ""}), marca="resumen-errores")
    p.guardar(
        "paso-1-curp-mal-escrita",
        cliente.post(paso_1, {"curp": CURP_MAL_ESCRITA}),
        marca="id_curp_error",
    )
    nacimiento = datetime.date(1970, 1, 1)
    ajena = curp.construir("Pedro", "Nadie", "Ninguno", nacimiento, "H", "DF", "0")
    p.guardar("paso-1-curp-no-registrada", cliente.post(paso_1, {"curp": ajena}))
    con_cuenta = crear_derechohabiente()
    nombre = f"ya.tiene.{p.idioma}"
    Usuario.objects.create_user(
        nombre, f"{nombre}@correo.example", CONTRASENA, derechohabiente=con_cuenta
    )
    p.guardar(
        "paso-1-curp-con-cuenta",
        cliente.post(paso_1, {"curp": con_cuenta.curp}),
        marca="enlaces-cuenta",
    )

    # Many misses from one address: step 1 asks for the captcha too (here, from the first).
    derechohabiente = crear_derechohabiente()
    limites = {**settings.LIMITES_DE_BUSQUEDA, "por_direccion": (0, 10)}
    with override_settings(LIMITES_DE_BUSQUEDA=limites):
        html = p.guardar(
            "paso-1-pide-captcha",
            cliente.post(paso_1, {"curp": derechohabiente.curp}),
            marca="id_captcha_error",
        )
        p.guardar(
            "paso-1-captcha-equivocado",
            cliente.post(
                paso_1, {"curp": derechohabiente.curp, **respuesta_captcha(html), "captcha_1": "x"}
            ),
            marca="id_captcha_error",
        )
        p.guardar(
            "paso-1-actualizar-imagen",
            cliente.post(paso_1, {"curp": derechohabiente.curp, "actualizar_imagen": "1"}),
            marca="captcha_0",
        )
        with override_settings(LIMITES_DE_CAPTCHA=UNA_IMAGEN):
            p.guardar(
                "paso-1-demasiadas-imagenes",
                cliente.post(paso_1, {"curp": derechohabiente.curp}),
                estado=429,
                marca="captcha-aviso",
            )
    # Too many misses from one browser: "too many look-ups" (429).
    limites = {**settings.LIMITES_DE_BUSQUEDA, "fallos_por_cliente": (0, 10)}
    with override_settings(LIMITES_DE_BUSQUEDA=limites):
        p.guardar("demasiadas-busquedas", cliente.post(paso_1, {"curp": ajena}), estado=429)

    assert cliente.post(paso_1, {"curp": derechohabiente.curp}).status_code == 302
    p.guardar("paso-2", cliente.get(paso_2), marca="captcha_1")
    p.guardar("paso-2-vacio", cliente.post(paso_2, {}), marca="id_captcha_error")
    html = cliente.get(paso_2).content.decode()
    con_errores = {
        "username": "con espacios",
        "password1": "corta",
        "password2": "otra",
        "email": "sin-arroba",
        **respuesta_captcha(html),
        "captcha_1": "x",
    }
    p.guardar("paso-2-errores", cliente.post(paso_2, con_errores), marca="id_captcha_error")
    actualizar = {"username": "ana", "email": "ana@correo.example", "actualizar_imagen": "1"}
    p.guardar("paso-2-actualizar-imagen", cliente.post(paso_2, actualizar), marca="captcha_1")
    # Past the limit of new images: the form as typed without an image, and step 2's page
    # itself the "too many images" page.
    with override_settings(LIMITES_DE_CAPTCHA=UNA_IMAGEN):
        demasiadas = cliente.post(paso_2, con_errores)
        p.guardar("paso-2-demasiadas-imagenes", demasiadas, estado=429, marca="captcha-aviso")
        p.guardar("demasiados-retos", cliente.get(paso_2), estado=429)

    usuario = f"ana.registro.{p.idioma}"
    datos = {
        "username": usuario,
        "password1": CONTRASENA,
        "password2": CONTRASENA,
        "email": f"{usuario}@correo.example",
    }
    html = cliente.get(paso_2).content.decode()
    with monkeypatch.context() as parche:
        parche.setattr(hashes, "ranura", sin_ranura_libre)
        ocupado = cliente.post(paso_2, {**datos, **respuesta_captcha(html)})
        p.guardar("paso-2-servidor-ocupado", ocupado, estado=503, marca="resumen-errores")
    html = cliente.get(paso_2).content.decode()
    creado = cliente.post(paso_2, {**datos, **respuesta_captcha(html)}, follow=True)
    p.guardar("usuario-creado", creado, marca=usuario)


def sala_de_espera(p: Paginas, settings) -> None:
    """Everyone through the line, nobody admitted yet: the waiting page with its estimate,
    and with the line held by the operator (a rate of 0)."""
    settings.SALA_DE_ESPERA, settings.SALA_DE_ESPERA_TASA = "siempre", 0.1
    sala = SalaDeEspera.objects.filter(pk=1)
    sala.update(admitidos=admision.sala().emitidos)
    admision.olvidar()
    paso_1 = p.url("registro:curp")
    Client().get(paso_1)  # someone arrived first
    p.guardar("sala-de-espera", Client().get(paso_1), marca="data-espera")
    sala.update(tasa_fija=0)
    admision.olvidar()
    p.guardar("sala-de-espera-detenida", Client().get(paso_1), marca="data-lugar")
    # No line again, and everyone admitted: the next visitor sees step 1 at once.
    settings.SALA_DE_ESPERA, settings.SALA_DE_ESPERA_TASA = "automatica", 10_000
    sala.update(tasa_fija=None, admitidos=admision.sala().emitidos + 1000)
    admision.olvidar()


def cuenta(p: Paginas, crear_derechohabiente, nombre: str, **extra) -> Usuario:
    """A confirmed account of this language's pages."""
    nombre = f"{nombre}.{p.idioma}"
    return Usuario.objects.create_user(
        nombre,
        f"{nombre}@correo.example",
        CONTRASENA,
        derechohabiente=crear_derechohabiente(),
        correo_confirmado_en=timezone.now(),
        **extra,
    )


def entrar(p: Paginas, cliente: Client, usuario: Usuario):
    return cliente.post(
        p.url("cuentas:ingresar"), {"username": usuario.username, "password": CONTRASENA}
    )


def cuentas(p: Paginas, crear_derechohabiente, buzon, monkeypatch) -> None:
    ingresar = p.url("cuentas:ingresar")
    cliente = Client()
    p.guardar("ingresar", cliente.get(ingresar), marca='name="username"')
    p.guardar("ingresar-vacio", cliente.post(ingresar, {}), marca="resumen-errores")
    equivocada = {"username": "nadie", "password": "equivocada"}
    p.guardar("ingresar-error", cliente.post(ingresar, equivocada), marca="resumen-errores")

    # Registered, e-mail not confirmed yet: the error, a new link, then the link followed.
    nombre = f"sin.confirmar.{p.idioma}"
    sin_confirmar = Usuario.objects.create_user(
        nombre, f"{nombre}@correo.example", CONTRASENA, derechohabiente=crear_derechohabiente()
    )
    respuesta = entrar(p, cliente, sin_confirmar)
    p.guardar("ingresar-sin-confirmar", respuesta, marca=p.url("cuentas:reenviar_confirmacion"))
    reenviado = cliente.post(p.url("cuentas:reenviar_confirmacion"), follow=True)
    p.guardar("ingresar-enlace-reenviado", reenviado, marca='role="status"')
    enlace = enlace_del_buzon(buzon, "/oficina-virtual/confirmar/")
    p.guardar("correo-confirmado", cliente.get(enlace))
    p.guardar("correo-no-confirmado", cliente.get(enlace), estado=400)

    # Five wrong passwords: the user name is locked out from this address (django-axes).
    bloqueada = cuenta(p, crear_derechohabiente, "bloqueada")
    for _ in range(4):
        cliente.post(ingresar, {"username": bloqueada.username, "password": "equivocada"})
    fallo = cliente.post(ingresar, {"username": bloqueada.username, "password": "equivocada"})
    p.guardar("ingreso-bloqueado", fallo, estado=429)

    # Signed in: Mi Oficina Virtual and the changes it offers (or "try again in 5 seconds").
    usuario = cuenta(p, crear_derechohabiente, "pedro")
    with monkeypatch.context() as parche:
        parche.setattr(hashes, "ranura", sin_ranura_libre)
        p.guardar("servicio-ocupado", entrar(p, Client(), usuario), estado=503)
    assert entrar(p, cliente, usuario).status_code == 302
    mi_oficina = cliente.get(p.url("cuentas:mi_oficina"))
    p.guardar("mi-oficina", mi_oficina, marca=p.url("cuentas:segundo_factor"))
    contrasena = p.url("cuentas:cambiar_contrasena")
    p.guardar("cambiar-contrasena", cliente.get(contrasena), marca="old_password")
    cambio = {"old_password": "equivocada", "new_password1": "corta", "new_password2": "otra"}
    p.guardar("cambiar-contrasena-errores", cliente.post(contrasena, cambio), marca="_error")
    correo = p.url("cuentas:cambiar_correo")
    p.guardar("cambiar-correo", cliente.get(correo), marca='name="email"')
    cambio = {"email": "sin-arroba", "password": "equivocada"}
    p.guardar("cambiar-correo-errores", cliente.post(correo, cambio), marca="_error")
    cambio = {"email": f"nuevo.{p.idioma}@correo.example", "password": CONTRASENA}
    con_aviso = cliente.post(correo, cambio, follow=True)
    p.guardar("mi-oficina-con-aviso", con_aviso, marca='role="status"')
    enlace = enlace_del_buzon(buzon, "/oficina-virtual/correo-nuevo/")
    p.guardar("correo-cambiado", cliente.get(enlace))
    p.guardar("correo-no-cambiado", cliente.get(enlace), estado=400)

    # Mi actividad: every kind of entry, over two pages, one already reported.
    for n in range(60):
        tipo = Actividad.Tipo.values[n % len(Actividad.Tipo.values)]
        Actividad.objects.create(
            usuario=usuario, tipo=tipo, dispositivo="Firefox en Windows", direccion="189.203.1.x"
        )
    reportada = Actividad.objects.filter(usuario=usuario).first()
    reportada.reportada_en = timezone.now()
    reportada.save()
    mi_actividad = p.url("cuentas:mi_actividad")
    p.guardar("mi-actividad", cliente.get(mi_actividad), marca="actividad")
    p.guardar("mi-actividad-2", cliente.get(mi_actividad, {"p": 2}), marca="actividad")
    nueva = cuenta(p, crear_derechohabiente, "sin.actividad")
    otro = Client()
    otro.force_login(nueva)
    p.guardar("mi-actividad-vacia", otro.get(mi_actividad))

    # "No fui yo", from an e-mail's link.
    ajena = Actividad.objects.create(usuario=usuario, tipo="ingreso", dispositivo="Safari")
    no_fui_yo = p.url("cuentas:no_fui_yo", actividad.enlace(ajena))
    p.guardar("no-fui-yo", cliente.get(no_fui_yo), marca="<form")
    p.guardar("cuenta-protegida", cliente.post(no_fui_yo))
    p.guardar("no-fui-yo-enlace-usado", cliente.get(no_fui_yo), estado=400)

    # A forgotten password, and a forgotten user name (sent to the address changed above).
    usuario.refresh_from_db()
    recuperar = p.url("cuentas:recuperar_contrasena")
    p.guardar("recuperar-contrasena", cliente.get(recuperar), marca='name="email"')
    p.guardar("recuperar-contrasena-error", cliente.post(recuperar, {"email": "x"}), marca="_error")
    enviado = cliente.post(recuperar, {"email": usuario.email}, follow=True)
    p.guardar("recuperar-contrasena-enviado", enviado)
    enlace = enlace_del_buzon(buzon, "/oficina-virtual/recuperar/contrasena/")
    nueva = cliente.get(enlace, follow=True)
    p.guardar("contrasena-nueva", nueva, marca="new_password1")
    distintas = {"new_password1": "corta", "new_password2": "otra"}
    p.guardar("contrasena-nueva-errores", cliente.post(nueva.request["PATH_INFO"], distintas))
    iguales = {"new_password1": CONTRASENA + "!", "new_password2": CONTRASENA + "!"}
    guardada = cliente.post(nueva.request["PATH_INFO"], iguales, follow=True)
    p.guardar("contrasena-guardada", guardada)
    p.guardar("contrasena-nueva-enlace-usado", cliente.get(enlace, follow=True))
    recordar = p.url("cuentas:recordar_usuario")
    p.guardar("recordar-usuario", cliente.get(recordar), marca='name="curp"')
    errores = {"curp": CURP_MAL_ESCRITA, "email": "x"}
    p.guardar("recordar-usuario-errores", cliente.post(recordar, errores), marca="_error")
    datos = {"curp": usuario.derechohabiente.curp, "email": usuario.email}
    p.guardar("recordar-usuario-enviado", cliente.post(recordar, datos, follow=True))

    # A form sent after its CSRF token expired.
    sin_ficha = Client(enforce_csrf_checks=True).post(ingresar, equivocada)
    p.guardar("formulario-vencido", sin_ficha, estado=403)


def segundo_factor(p: Paginas, crear_derechohabiente, settings) -> None:
    cliente = Client()
    usuario = cuenta(p, crear_derechohabiente, "dos.pasos")
    assert entrar(p, cliente, usuario).status_code == 302
    pagina = p.url("cuentas:segundo_factor")
    p.guardar("dos-pasos-desactivada", cliente.get(pagina))
    activar = p.url("cuentas:activar_segundo_factor")
    html = p.guardar("activar-dos-pasos", cliente.get(activar), marca='id="clave"')
    secreto = clave_de_la_app(html)
    p.guardar("activar-dos-pasos-error", cliente.post(activar, {"codigo": "12345"}), marca="_error")
    codigos = cliente.post(activar, {"codigo": pyotp.TOTP(secreto).now()})
    html = p.guardar("codigos-de-recuperacion", codigos, marca="codigos")
    recuperacion = re.findall(r"<li>([A-Z0-9]{5} [A-Z0-9]{5})</li>", html)
    llave = LlaveDeAcceso.objects.create(
        usuario=usuario, credencial=f"llave-{p.idioma}".encode(), clave_publica=b"-"
    )
    p.guardar("dos-pasos-activa", cliente.get(pagina), marca="llaves")
    p.guardar("mi-oficina-dos-pasos-activa", cliente.get(p.url("cuentas:mi_oficina")))
    for nombre, url in (
        ("codigos-nuevos", p.url("cuentas:codigos_nuevos")),
        ("cambiar-app", p.url("cuentas:cambiar_app")),
        ("quitar-dos-pasos", p.url("cuentas:quitar_segundo_factor")),
        ("quitar-llave", p.url("cuentas:quitar_llave", llave.pk)),
    ):
        p.guardar(nombre, cliente.get(url), marca='name="password"')
        errores = cliente.post(url, {"password": "equivocada"})
        p.guardar(f"{nombre}-error", errores, marca="_error")

    # The second step of the login: the code (or a passkey, or a recovery code).
    cliente.post(p.url("cuentas:salir"))
    respuesta = entrar(p, cliente, usuario)
    assert respuesta["Location"] == p.url("cuentas:ingresar_codigo")
    codigo = p.url("cuentas:ingresar_codigo")
    p.guardar("ingresar-codigo", cliente.get(codigo), marca="llave")
    p.guardar("ingresar-codigo-error", cliente.post(codigo, {"codigo": "x"}), marca="_error")
    con_recuperacion = cliente.post(codigo, {"codigo": recuperacion[0]}, follow=True)
    p.guardar("mi-oficina-codigo-de-recuperacion-usado", con_recuperacion, marca='role="status"')
    solo_llave = cuenta(p, crear_derechohabiente, "solo.llave")
    LlaveDeAcceso.objects.create(
        usuario=solo_llave, credencial=f"sola-{p.idioma}".encode(), clave_publica=b"-"
    )
    otro = Client()
    entrar(p, otro, solo_llave)
    p.guardar("ingresar-codigo-solo-llave", otro.get(codigo), marca="llave")
    for _ in range(5):
        bloqueado = otro.post(codigo, {"codigo": "000000"})
    p.guardar("codigos-bloqueados", bloqueado, estado=429)

    # The institution's settings: a code again before a high-risk change; the factor required.
    settings.SEGUNDO_FACTOR = "acciones"
    confirmar = p.url("cuentas:confirmar_con_codigo", consulta="?siguiente=/")
    p.guardar("confirmar-con-codigo", cliente.get(confirmar), marca='name="codigo"')
    error = cliente.post(confirmar, {"codigo": "000000"})
    p.guardar("confirmar-con-codigo-error", error, marca="_error")
    settings.SEGUNDO_FACTOR = "obligatorio"
    p.guardar("dos-pasos-obligatoria", cliente.get(pagina))
    sin_app = cuenta(p, crear_derechohabiente, "sin.app")
    otro = Client()
    en_el_ingreso = otro.post(
        p.url("cuentas:ingresar"),
        {"username": sin_app.username, "password": CONTRASENA},
        follow=True,
    )
    p.guardar("activar-dos-pasos-al-ingresar", en_el_ingreso, marca='id="clave"')
    settings.SEGUNDO_FACTOR = "opcional"


def paginas_de_error(p: Paginas) -> None:
    p.guardar("no-encontrada", Client().get(p.url("portal:oficina") + "no-existe/"), estado=404)
    peticion = RequestFactory().get(p.url("portal:oficina"))
    with translation.override(p.idioma):
        try:
            raise OperationalError("sin base de datos")
        except OperationalError:
            p.guardar("sin-base-de-datos", error_del_servidor(peticion), estado=503)
        try:
            raise ValueError("un error del programa")
        except ValueError:
            p.guardar("error-del-servidor", error_del_servidor(peticion), estado=500)


def administracion(carpeta: Path, crear_derechohabiente) -> None:
    """The staff admin, for a superuser and for the help desk (which only looks): its login,
    and for each model its list (with its filters), a search with results and without, the
    add and change forms, the history and the confirmation before deleting. Spanish only:
    the admin lives outside /en/."""
    p = Paginas(carpeta, "es-mx", lang="es-mx")  # Django's own <html lang>
    anonimo = Client()
    entrar = reverse("admin:login")
    p.guardar("admin-ingresar", anonimo.get(entrar), marca='name="username"')
    errores = anonimo.post(entrar, {"username": "nadie", "password": "x"})
    p.guardar("admin-ingresar-error", errores, marca="errornote")

    persona = cuenta(p, crear_derechohabiente, "ana.admin")
    Actividad.objects.create(usuario=persona, tipo="ingreso", dispositivo="Firefox en Windows")
    AppAutenticadora.objects.create(usuario=persona, secreto=pyotp.random_base32())
    jefa = Usuario.objects.create_superuser("jefa.html", "jefa.html@issste.example", CONTRASENA)
    mesa = Usuario.objects.create_user("mesa.html", "mesa.html@issste.example", CONTRASENA)
    mesa.is_staff = True
    mesa.save()
    mesa.groups.add(Group.objects.get(name="Mesa de ayuda"))
    cliente, ayuda = Client(), Client()
    cliente.force_login(jefa)
    ayuda.force_login(mesa)
    p.guardar("admin-inicio", cliente.get(reverse("admin:index")))
    p.guardar("admin-contrasena", cliente.get(reverse("admin:password_change")))
    for modelo, modelo_admin in admin.site._registry.items():
        nombre = f"admin-{modelo._meta.app_label}-{modelo._meta.model_name}"
        prefijo = f"admin:{modelo._meta.app_label}_{modelo._meta.model_name}"
        lista = reverse(f"{prefijo}_changelist")
        p.guardar(nombre, cliente.get(lista))
        if modelo_admin.search_fields:
            p.guardar(f"{nombre}-busqueda", cliente.get(lista, {"q": "ana"}))
            p.guardar(f"{nombre}-sin-resultados", cliente.get(lista, {"q": "zzzz"}))
        agregar = cliente.get(reverse(f"{prefijo}_add"))
        if agregar.status_code != 403:  # the lists that only record what happened
            p.guardar(f"{nombre}-agregar", agregar)
        objeto = modelo.objects.first()
        if objeto is None:
            continue
        ficha = reverse(f"{prefijo}_change", args=[objeto.pk])
        p.guardar(f"{nombre}-ficha", cliente.get(ficha))
        p.guardar(
            f"{nombre}-historia", cliente.get(reverse(f"{prefijo}_history", args=[objeto.pk]))
        )
        borrar = cliente.get(reverse(f"{prefijo}_delete", args=[objeto.pk]))
        if borrar.status_code != 403:
            p.guardar(f"{nombre}-borrar", borrar)
        if modelo in (Derechohabiente, Usuario):
            p.guardar(f"{nombre}-mesa-de-ayuda", ayuda.get(ficha))
            p.guardar(f"{nombre}-lista-mesa-de-ayuda", ayuda.get(lista))
    ficha = reverse("admin:registro_usuario_change", args=[persona.pk])
    p.guardar("admin-usuario-con-dos-pasos", cliente.get(ficha), marca=persona.username)
    contrasena = reverse("admin:auth_user_password_change", args=[persona.pk])
    p.guardar("admin-usuario-contrasena", cliente.get(contrasena))
    p.guardar(
        "admin-usuario-ficha-errores", cliente.post(ficha, {"username": ""}), marca="errornote"
    )
    seleccion = {"action": "delete_selected", "_selected_action": [persona.pk]}
    lista = reverse("admin:registro_usuario_changelist")
    p.guardar("admin-usuario-borrar-seleccion", cliente.post(lista, seleccion))


def correos(carpeta: Path, buzon) -> None:
    """The HTML version of every e-mail the pages sent, each in the language asked in."""
    for numero, mensaje in enumerate(buzon(), start=1):
        ((html, tipo),) = mensaje.alternatives
        assert tipo == "text/html"
        nombre = slugify(mensaje.subject)[:50]
        (carpeta / f"correo-{numero:02d}-{nombre}.html").write_text(html, encoding="utf-8")


def verificar(carpeta: Path) -> list[tuple[str, dict]]:
    """The checker's errors in the pages of ``carpeta``: (file name, message)."""
    resultado = subprocess.run(
        # C1 alone starts sooner (half the CPU here), and needs a deeper stack than the default.
        ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU)]
        + ["--format", "json", "--errors-only", "--stdout", str(carpeta)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resultado.returncode in (0, 1), resultado.stderr  # 1: it found errors
    mensajes = json.loads(resultado.stdout)["messages"]
    return sorted(
        ((m.get("url", "?").rsplit("/", 1)[-1], m) for m in mensajes),
        key=lambda error: (error[0], error[1].get("lastLine", 0)),
    )


def de_django(archivo: str, mensaje: dict) -> bool:
    return archivo.startswith("es-mx-admin-") and any(
        mensaje["message"] == texto and fragmento in mensaje.get("extract", "")
        for texto, fragmento in DE_DJANGO
    )


def test_cada_pagina_es_html_valido(tmp_path, crear_derechohabiente, buzon, settings, monkeypatch):
    assert shutil.which("java"), "Falta Java: scripts/instalar-paquetes-sistema.sh java"
    assert VNU.exists(), f"Falta {VNU}: npm ci (make test lo hace)"
    settings.PASSWORD_HASHERS = [f"{__name__}.Argon2Ligero"]
    for idioma in IDIOMAS:
        p = Paginas(tmp_path, idioma)
        portal(p)
        registro(p, crear_derechohabiente, monkeypatch)
        sala_de_espera(p, settings)
        cuentas(p, crear_derechohabiente, buzon, monkeypatch)
        segundo_factor(p, crear_derechohabiente, settings)
        paginas_de_error(p)
    administracion(tmp_path, crear_derechohabiente)
    correos(tmp_path, buzon)
    (tmp_path / CONTROL).write_text(HTML_INVALIDO, encoding="utf-8")

    errores = verificar(tmp_path)

    assert CONTROL in {archivo for archivo, _ in errores}, "el verificador no leyó la carpeta"
    legibles = [
        f"{archivo}:{m.get('lastLine', '?')}: {m['message']}  «{' '.join(extracto.split())}»"
        for archivo, m in errores
        if archivo != CONTROL and not de_django(archivo, m)
        for extracto in [m.get("extract", "")]
    ]
    informe = "\n".join(legibles)
    assert legibles == [], f"HTML no válido (las páginas están en {tmp_path}):\n{informe}"
