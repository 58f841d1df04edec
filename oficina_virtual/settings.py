"""Settings for the Oficina Virtual registration, read from the environment.

This is the only module that reads the environment. Development defaults come
from the Makefile (DEBUG=1 and, without DATABASE_URL, the project's own
PostgreSQL); production sets every variable explicitly.
"""

import datetime
import ipaddress
import os
import secrets
import socket
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "si", "sí"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; in development, one kept in a git-ignored file."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start the project's own "
        "PostgreSQL, or point DATABASE_URL at a server (postgres://user@host:5432/name)."
    )
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        engine="oficina_virtual.postgresql",  # Django's, with a cheaper health check
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# PGBOUNCER=1 behind PgBouncer in transaction mode (deploy/pgbouncer.ini): a transaction may go
# to any server connection, so no cursor may outlive one (the admin's CSV export streams with
# .iterator(), a server-side cursor otherwise).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("PGBOUNCER", False)
# REPLICA_URL: a streaming replica of the primary for step 1's look-ups and the admin's
# registry screens (oficina_virtual/replica.py), while it answers and is at most
# REPLICA_RETRASO_MAXIMO seconds behind; checked at most every REPLICA_REVISAR_CADA seconds.
if os.environ.get("REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_URL"],
        engine="oficina_virtual.postgresql",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    # A replica that does not answer is left for the primary within 2 s, not the system's 2 min.
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["oficina_virtual.replica.LecturasDelPadron"]
REPLICA_RETRASO_MAXIMO = float(os.environ.get("REPLICA_RETRASO_MAXIMO", "5"))
REPLICA_REVISAR_CADA = float(os.environ.get("REPLICA_REVISAR_CADA", "1"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "registro",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "captcha",
    "axes",
]

MIDDLEWARE = [
    "oficina_virtual.bitacora.IdDePeticionMiddleware",  # first: it times and logs the rest
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registro.sesiones.RenovacionDeSesionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "registro.hashes.ServidorOcupadoMiddleware",  # a password hash that found no slot: 503
    "registro.cuentas.actividad.dispositivos.DispositivoMiddleware",  # a device's own cookie
]

if not DEBUG:  # development serves static files itself (runserver, the test server)
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "oficina_virtual.urls"
WSGI_APPLICATION = "oficina_virtual.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.sitio",
                "registro.sesiones.aviso_de_fin",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can restyle the captcha widget.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "registro.Usuario"
# The login form may tell a deactivated or unconfirmed account apart (only after the right
# password); sessions of such accounts are never kept. See registro/cuentas/autenticacion.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "registro.cuentas.autenticacion.IngresoBackend",
]
LOGIN_URL = "cuentas:ingresar"
LOGIN_REDIRECT_URL = "cuentas:mi_oficina"
LOGOUT_REDIRECT_URL = "portal:oficina"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # the same 24 hours as the confirmation links

# The second factor (registro/cuentas/segundo_factor/): "apagado" (not offered), "opcional"
# (each person chooses), "obligatorio" (everyone sets it up at their next login) or
# "acciones" (as opcional, and asked again, or set up first, before the high-risk actions:
# changing the password or the e-mail).
SEGUNDO_FACTOR = os.environ.get("SEGUNDO_FACTOR") or "opcional"
if SEGUNDO_FACTOR not in {"apagado", "opcional", "obligatorio", "acciones"}:
    raise ImproperlyConfigured("SEGUNDO_FACTOR: apagado, opcional, obligatorio or acciones.")

# "Mi actividad" (registro/cuentas/actividad/): kept this many days, then purged.
ACTIVIDAD_DIAS = int(os.environ.get("ACTIVIDAD_DIAS", "365"))

# Argon2 first: new passwords are hashed with it; the others still verify old hashes.
PASSWORD_HASHERS = [
    "registro.hashes.Argon2Limitado",  # Django's Argon2, at most one hash per core at once
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The seed's rule: at least 7 characters, CONTRASENA_MINIMA to change it (docs/security.md:
# NIST SP 800-63B-4 asks 8 with a second factor, 15 without). Also: at most 128, not one of
# Django's 20,000 common passwords nor of 4.2 million breached ones, not like the person's
# own data.
CONTRASENA_MINIMA = int(os.environ.get("CONTRASENA_MINIMA", "7"))
if not 1 <= CONTRASENA_MINIMA <= 64:
    raise ImproperlyConfigured("CONTRASENA_MINIMA: between 1 and 64.")
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": CONTRASENA_MINIMA},
    },
    {"NAME": "registro.cuentas.contrasenas.LongitudMaximaValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "registro.cuentas.contrasenas.FiltradaValidator"},
    {"NAME": "registro.cuentas.contrasenas.DatosPersonalesValidator"},
]

# Spanish at every unprefixed URL, whatever the browser's Accept-Language says: it is the
# seed's wording. English only when the person follows "English" (URLs under /en/).
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production (DEBUG off): whitenoise serves collectstatic's compressed files under hashed
# names, cached for a year. Development and tests keep the plain storage, which needs no
# collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SESSION_ENGINE = "registro.sesiones"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Captcha challenges live in PostgreSQL (CaptchaStore), shared by every process.
CAPTCHA_CHALLENGE_FUNCT = "registro.captcha.reto.reto_alfanumerico"
CAPTCHA_LENGTH = 5
# The library's default image is 78×29 px: too small to read on a phone.
CAPTCHA_FONT_SIZE = 46
# Each letter turned up to 35 degrees either way (the library's default, said here because
# registro/captcha/imagen.py also turns none less than 20: OCR reads upright letters).
CAPTCHA_LETTER_ROTATION = (-35, 35)
CAPTCHA_IMAGE_SIZE = (240, 80)
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_NOISE_FUNCTIONS = (
    "registro.captcha.imagen.ruido_de_arcos",
    "registro.captcha.imagen.ruido_de_puntos",
)
CAPTCHA_FILTER_FUNCTIONS = ("captcha.helpers.post_smooth", "registro.captcha.imagen.en_grises")

# Until an institution deploys it under its own name, every page says it is a replica.
AVISO_REPLICA = env_bool("AVISO_REPLICA", True)

# One JSON object a line (oficina_virtual/bitacora.py), with the request's id; LOG_FORMATO=texto
# for plain lines, development's default. Never a CURP, name, e-mail, password, token or
# client address: the request line names the route, not the path.
LOG_FORMATO = os.environ.get("LOG_FORMATO") or ("texto" if DEBUG else "json")
if LOG_FORMATO not in {"json", "texto"}:
    raise ImproperlyConfigured("LOG_FORMATO: json or texto.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "oficina_virtual.bitacora.FormatoJSON"},
        "texto": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMATO}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}


def _correo(url: str | None) -> dict:
    """E-mail backend from EMAIL_URL: smtp://user:password@host:587?tls=1, smtps://…,
    console:, file:///path or locmem:. Without it, development writes each message as a
    file into correo/ (git-ignored) and production uses SMTP on localhost."""
    if not url:
        if DEBUG:
            return {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": BASE_DIR / "correo",
            }
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    partes = urlsplit(url)
    backends = {
        "console": "console",
        "file": "filebased",
        "locmem": "locmem",
        "smtp": "smtp",
        "smtps": "smtp",
    }
    if partes.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {partes.scheme!r}.")
    config = {"EMAIL_BACKEND": f"django.core.mail.backends.{backends[partes.scheme]}.EmailBackend"}
    if partes.scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(partes.path)
    if partes.scheme in {"smtp", "smtps"}:
        opciones = parse_qs(partes.query)
        config |= {
            "EMAIL_HOST": partes.hostname or "localhost",
            "EMAIL_PORT": partes.port or (465 if partes.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(partes.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(partes.password or ""),
            "EMAIL_USE_SSL": partes.scheme == "smtps",
            "EMAIL_USE_TLS": opciones.get("tls", ["0"])[0] in {"1", "true"},
            "EMAIL_TIMEOUT": 10,
        }
    return config


globals().update(_correo(os.environ.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Oficina Virtual ISSSTE (réplica) <no-responder@oficina-virtual.example>"
)

# Clients behind a reverse proxy: how many proxies put their hop in X-Forwarded-For.
PROXIES_DE_CONFIANZA = int(os.environ.get("PROXIES_DE_CONFIANZA", "0"))


def env_limite(name: str, default: str) -> tuple[int, int]:
    """ "N/M": N look-ups in M minutes."""
    valor = os.environ.get(name) or default
    try:
        maximo, minutos = (int(parte) for parte in valor.split("/"))
    except ValueError:
        raise ImproperlyConfigured(f"{name}: write it as N/M (N look-ups in M minutes).") from None
    if maximo < 1 or minutos < 1:
        raise ImproperlyConfigured(f"{name}: N and M must be at least 1.")
    return maximo, minutos


# CURP look-up limits (registro/limites.py; docs/security.md says why these numbers). Many
# people share one address (a carrier's NAT, an office), so an address is never walled off:
# past its limits step 1 asks it for the captcha. A client (browser) past its limit, and a
# CURP past its own, wait. LIMITES_SOLO_CONTAR=1 counts and logs them without applying them.
LIMITES_DE_BUSQUEDA = {
    "por_curp": env_limite("LIMITE_BUSQUEDAS_POR_CURP", "10/10"),
    "fallos_por_cliente": env_limite("LIMITE_FALLOS_POR_CLIENTE", "20/10"),
    "fallos_por_direccion": env_limite("LIMITE_FALLOS_POR_DIRECCION", "10/10"),
    "por_direccion": env_limite("LIMITE_BUSQUEDAS_POR_DIRECCION", "60/10"),
}
LIMITES_SOLO_CONTAR = env_bool("LIMITES_SOLO_CONTAR", False)
# New captcha challenges (images, "Actualizar Imagen", audio readings; registro/captcha/
# limites.py): a session that passed step 1 counts against itself only, so the people behind
# one address who are registering never hold each other back; a client without one counts
# against its address, with room for a carrier's NAT. Past either, a wait.
LIMITES_DE_CAPTCHA = {
    "retos_por_sesion": env_limite("LIMITE_RETOS_POR_SESION", "30/10"),
    "retos_por_direccion": env_limite("LIMITE_RETOS_POR_DIRECCION", "1000/10"),
}

# The password hashes (registro/hashes.py): at most HASHES_SIMULTANEOS at once on this machine
# (one per core: 100 MiB and every core for ~90 ms each), through lock files in HASHES_CARPETA
# shared by every process of the machine. Past HASH_ESPERA_MAXIMA seconds without a free one,
# the page says "try again in HASH_REINTENTAR_EN seconds" (503 and Retry-After).
HASHES_SIMULTANEOS = int(os.environ.get("HASHES_SIMULTANEOS") or os.cpu_count() or 1)
HASH_ESPERA_MAXIMA = float(os.environ.get("HASH_ESPERA_MAXIMA", "3"))
HASH_REINTENTAR_EN = int(os.environ.get("HASH_REINTENTAR_EN", "5"))
HASHES_CARPETA = os.environ.get("HASHES_CARPETA") or os.path.join(
    tempfile.gettempdir(), f"oficina-virtual-hashes-{os.getuid()}"
)
if HASHES_SIMULTANEOS < 1 or HASH_ESPERA_MAXIMA <= 0 or HASH_REINTENTAR_EN < 1:
    raise ImproperlyConfigured("HASHES_SIMULTANEOS, HASH_ESPERA_MAXIMA, HASH_REINTENTAR_EN: > 0.")

# The waiting room before step 1 (registro/sala_de_espera/, docs/scaling.md): SALA_DE_ESPERA is
# its switch, SALA_DE_ESPERA_TASA a fixed admission rate; manage.py sala_de_espera overrides
# both for every server at once, in PostgreSQL, without a restart. With no fixed rate, people
# are admitted at SALA_DE_ESPERA_FRACCION of what the machines' cores can hash (each machine,
# SERVIDOR, reports what its hashes cost): the rest of a registration, logins and PostgreSQL
# need the remainder.
# An admission lets a person start the registration for SALA_DE_ESPERA_ADMISION minutes; once
# at step 2 they finish whatever the time.
SALA_DE_ESPERA = os.environ.get("SALA_DE_ESPERA") or "automatica"
if SALA_DE_ESPERA not in {"automatica", "siempre", "apagada"}:
    raise ImproperlyConfigured("SALA_DE_ESPERA: automatica, siempre or apagada.")
SALA_DE_ESPERA_TASA = (
    float(os.environ["SALA_DE_ESPERA_TASA"]) if os.environ.get("SALA_DE_ESPERA_TASA") else None
)  # people per second, for every server together; None: measured
SALA_DE_ESPERA_FRACCION = float(os.environ.get("SALA_DE_ESPERA_FRACCION", "0.6"))
SALA_DE_ESPERA_ADMISION = int(os.environ.get("SALA_DE_ESPERA_ADMISION", "20"))  # minutes
if not 0 < SALA_DE_ESPERA_FRACCION <= 1 or SALA_DE_ESPERA_ADMISION < 1:
    raise ImproperlyConfigured("SALA_DE_ESPERA_FRACCION: in (0, 1]; SALA_DE_ESPERA_ADMISION: >= 1.")
SERVIDOR = os.environ.get("SERVIDOR") or socket.gethostname()

# GET /metricas/ (oficina_virtual/metricas.py) only for a scraper that sends this token as
# "Authorization: Bearer …" or connects from one of these networks; with neither, closed.
METRICAS_TOKEN = os.environ.get("METRICAS_TOKEN", "")
try:
    METRICAS_REDES = [ipaddress.ip_network(red) for red in env_list("METRICAS_REDES", "")]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICAS_REDES: {error}") from None

# Set by gunicorn.conf.py before the app is loaded (prometheus-client reads it at import):
# each worker's metrics in files there, added up at each scrape.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# GET /salud/lista/ says "degradado" when the oldest queued e-mail is older than this.
SALUD_CORREO_ATRASO_MAXIMO = int(os.environ.get("SALUD_CORREO_ATRASO_MAXIMO", "900"))  # seconds

# Login lockout (django-axes, kept in PostgreSQL): 5 failures for one user name from one
# address lock that pair for 15 minutes. The lockout page answers 429 in Spanish.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "registro.cuentas.autenticacion.usuario_para_bloqueo"
AXES_CLIENT_IP_CALLABLE = "registro.cliente.direccion"
AXES_LOCKOUT_TEMPLATE = "cuentas/bloqueo.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of every successful login with its address
AXES_VERBOSE = False  # axes would log user names and addresses

# Security headers. No inline script or style anywhere: the policy can forbid them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_COOKIE_HTTPONLY = True
# A session ends about one hour after its last request (registro.sesiones).
SESSION_COOKIE_AGE = 60 * 60
# SIN_HTTPS=1 only for serving production settings over plain HTTP on one's own machine
# (make serve): no HTTPS redirect, no HSTS, cookies without the Secure flag.
if not DEBUG and not env_bool("SIN_HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("PROXY_HTTPS", False):  # the proxy terminates TLS and says so in this header
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
