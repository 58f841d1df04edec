"""The registry of derechohabientes and the Oficina Virtual accounts tied to them."""

import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from oficina_virtual import replica

from .mensajes import CORREO_DUPLICADO, USUARIO_DUPLICADO
from .padron import curp
from .padron.curp import ENTIDADES


def validar_curp(valor: str) -> None:
    curp.validar(valor)


def clave_de_nombre(primer_apellido: str, segundo_apellido: str, nombre: str) -> str:
    """ "APELLIDO APELLIDO NOMBRE" in capitals without accents: what staff type to search."""
    texto = " ".join(p for p in (primer_apellido, segundo_apellido, nombre) if p).upper()
    sin_acentos = unicodedata.normalize("NFD", texto.replace("Ñ", "\0")).encode("ascii", "ignore")
    return " ".join(sin_acentos.decode().replace("\0", "Ñ").split())


class DerechohabienteManager(models.Manager):
    # Step 1's look-up, the one query every registration makes, in SQL: compiling it through
    # the ORM (an annotated Exists) took four fifths of its time (docs/performance.md).
    _SITUACION = """
        SELECT d.vigente, EXISTS (
                 SELECT 1 FROM registro_usuario u
                  WHERE u.derechohabiente_id = d.id AND NOT u.de_version_anterior)
          FROM registro_derechohabiente d
         WHERE d.curp = %s
    """

    def situacion_para_registro(self, clave: str) -> tuple[bool, bool] | None:
        """(vigente, has a current account) of the derechohabiente with this CURP, or None.
        An account from the previous Oficina Virtual is not current: it is replaced."""

        def situacion(conexion):
            with conexion.cursor() as cursor:
                cursor.execute(self._SITUACION, [clave])
                return cursor.fetchone()

        return replica.leer(situacion)

    # Step 2's look-up, on its page and on "Crear usuario", written out for the same reason
    # (the ORM's join took 0.6 ms, this 0.2). The account's id comes along: most have none,
    # and then no second query is made.
    _CON_CUENTA = """
        SELECT d.*, u.id AS cuenta_id
          FROM registro_derechohabiente d
          LEFT JOIN registro_usuario u ON u.derechohabiente_id = d.id
         WHERE d.curp = %s
    """

    def con_su_cuenta(self, clave: str) -> "Derechohabiente | None":
        """The derechohabiente with this CURP, its ``usuario`` (if any) already loaded. Always
        on the primary: step 2 must see an account made a moment ago."""
        en_el_primario = self.db_manager(DEFAULT_DB_ALIAS)
        encontrado = next(iter(en_el_primario.raw(self._CON_CUENTA, [clave])), None)
        if encontrado is not None:
            cuenta = Usuario.objects.get(pk=encontrado.cuenta_id) if encontrado.cuenta_id else None
            Derechohabiente.usuario.related.set_cached_value(encontrado, cuenta)
        return encontrado


class Derechohabiente(models.Model):
    """A person entitled to ISSSTE services, as the institution's registry lists them."""

    class Tipo(models.TextChoices):
        TRABAJADOR = "trabajador", _("Trabajador")
        PENSIONADO = "pensionado", _("Pensionado")
        FAMILIAR = "familiar", _("Familiar derechohabiente")

    class Sexo(models.TextChoices):
        HOMBRE = "H", _("Hombre")
        MUJER = "M", _("Mujer")
        NO_BINARIO = "X", _("No binario")

    curp = models.CharField("CURP", max_length=18, validators=[validar_curp])
    nombre = models.CharField(_("nombre"), max_length=100)
    primer_apellido = models.CharField(_("primer apellido"), max_length=100)
    segundo_apellido = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo, default=Tipo.TRABAJADOR)
    fecha_nacimiento = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    sexo = models.CharField(_("sexo"), max_length=1, choices=Sexo, blank=True)
    entidad = models.CharField(
        _("entidad de nacimiento"), max_length=2, choices=sorted(ENTIDADES.items()), blank=True
    )
    vigente = models.BooleanField(
        _("vigente"), default=True, help_text=_("Quien no está vigente no puede registrarse.")
    )
    # Byte-order ("C") collation: a prefix search and the list's order both use its index.
    clave_nombre = models.CharField(
        _("nombre para búsqueda"),
        max_length=310,
        db_collation="C",
        editable=False,
        default="",
    )
    creado = models.DateTimeField(_("alta en el registro"), auto_now_add=True)
    actualizado = models.DateTimeField(_("última actualización"), auto_now=True)

    objects = DerechohabienteManager()

    class Meta:
        verbose_name = _("derechohabiente")
        verbose_name_plural = _("derechohabientes")
        ordering = ["clave_nombre"]
        # Declared here rather than with unique=True / db_index=True, which would add a second,
        # unused "_like" index to each: at 14 million rows every index costs load time.
        constraints = [
            models.UniqueConstraint(
                fields=["curp"],
                name="derechohabiente_curp_unica",
                violation_error_message=_("Ya existe un derechohabiente con esta CURP."),
            )
        ]
        indexes = [
            models.Index(fields=["clave_nombre"], name="derechohabiente_clave_nombre"),
            # Admin's filters by tipo and vigente, in name order. Only the rows off the
            # default (trabajador, vigente) are indexed: a filter for a rare value would
            # otherwise read the whole registry to find it has none.
            models.Index(
                fields=["tipo", "clave_nombre"],
                condition=~Q(tipo="trabajador") | Q(vigente=False),
                name="derechohabiente_fuera_de_comun",
            ),
        ]
        permissions = [("exportar_derechohabiente", _("Puede exportar derechohabientes a CSV"))]

    def __str__(self) -> str:
        return f"{self.nombre_completo} ({self.curp})"

    def save(self, *args, **kwargs):
        self.curp = curp.normalizar(self.curp)
        self.clave_nombre = clave_de_nombre(
            self.primer_apellido, self.segundo_apellido, self.nombre
        )
        if self.curp and curp.es_valida(self.curp):
            self.fecha_nacimiento = self.fecha_nacimiento or curp.fecha_de_nacimiento(self.curp)
            self.sexo = self.sexo or self.curp[10]
            self.entidad = self.entidad or self.curp[11:13]
        super().save(*args, **kwargs)

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.primer_apellido, self.segundo_apellido) if p)

    @property
    def nombre_enmascarado(self) -> str:
        """Enough for a person to recognise their own name, not to learn someone else's."""
        return " ".join(f"{palabra[0]}***" for palabra in self.nombre_completo.split())


def igual_sin_mayusculas(campo: str, valor: str) -> Exact:
    """LOWER(campo) = LOWER(valor): the expression of the unique indexes on user name and
    e-mail, so the look-up uses them (Django's __iexact compares UPPER(), which none has)."""
    return Exact(Lower(campo), Lower(Value(valor)))


def mismo_correo(correo: str) -> Q:
    """The accounts with this e-mail in any case. The unique index of LOWER(email) leaves out
    accounts without one, so the look-up says so too: otherwise it reads every account."""
    return Q(igual_sin_mayusculas("email", correo)) & ~Q(email="")


class UsuarioManager(UserManager):
    """User names are unique regardless of case, so they are looked up that way too."""

    def get_by_natural_key(self, username):
        return self.get(igual_sin_mayusculas("username", username))


# The case-insensitive unique constraints on accounts: the field each one concerns and what
# the person is told when theirs is taken (by the form, or after a race by the database).
DUPLICADOS = {
    "usuario_nombre_unico_sin_mayusculas": ("username", USUARIO_DUPLICADO),
    "usuario_correo_unico_sin_mayusculas": ("email", CORREO_DUPLICADO),
}


class Usuario(AbstractUser):
    """An Oficina Virtual account. Staff accounts have no derechohabiente."""

    derechohabiente = models.OneToOneField(
        Derechohabiente,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="usuario",
        verbose_name=_("derechohabiente"),
    )

    correo_confirmado_en = models.DateTimeField(
        _("correo confirmado el"),
        null=True,
        blank=True,
        help_text=_("Hasta que se confirma el correo, la cuenta no puede ingresar."),
    )
    correo_pendiente = models.EmailField(
        _("correo nuevo por confirmar"),
        blank=True,
        help_text=_("Toma efecto cuando se sigue el enlace enviado a esa dirección."),
    )
    de_version_anterior = models.BooleanField(
        _("de la versión anterior"),
        default=False,
        help_text=_(
            "Cuenta de la Oficina Virtual anterior: no ingresa; se reemplaza cuando el "
            "derechohabiente repite el registro."
        ),
    )

    # Raised by "Cerrar sesión en todos los dispositivos": it is part of every session's
    # proof of the account (get_session_auth_hash), so each session made before ends.
    generacion_de_sesiones = models.PositiveIntegerField(default=0, editable=False)
    # Wrong codes in a row at the second step, and the lock they bring (like a wrong
    # password's), whatever the person's factors are (registro/cuentas/segundo_factor/).
    segundo_paso_fallos = models.PositiveSmallIntegerField(default=0, editable=False)
    segundo_paso_bloqueado_hasta = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UsuarioManager()

    class Meta:
        verbose_name = _("cuenta de usuario")
        verbose_name_plural = _("cuentas de usuario")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="usuario_nombre_unico_sin_mayusculas",
                violation_error_message=USUARIO_DUPLICADO,
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="usuario_correo_unico_sin_mayusculas",
                violation_error_message=CORREO_DUPLICADO,
            ),
        ]

    # The look-ups of the unique indexes on LOWER(username) and LOWER(email) (partial: only
    # accounts with an e-mail), in one statement written out: Django checks each constraint
    # on its own and, for the e-mail's conditional one, compiles every field of the account
    # into a query of its own; its three queries cost a tenth of "Crear usuario" besides the
    # hash. At most one account holds the name and one the e-mail.
    _TOMADOS = """
        SELECT LOWER(username) = LOWER(%(nombre)s),
               LOWER(email) = LOWER(%(correo)s) AND email <> ''
          FROM registro_usuario
         WHERE (LOWER(username) = LOWER(%(nombre)s)
                OR (LOWER(email) = LOWER(%(correo)s) AND email <> ''))
           AND id IS DISTINCT FROM %(id)s
    """

    def validate_constraints(self, exclude=None):
        """A taken user name or e-mail, in any case, reported on its field in the form's
        words (Django puts an error of an expression constraint on the whole form)."""
        exclude = exclude or set()
        for restriccion in self._meta.constraints:
            if restriccion.name not in DUPLICADOS:
                restriccion.validate(Usuario, self, exclude=exclude)
        buscar = {campo: getattr(self, campo) or None for campo in ("username", "email")}
        buscar = {campo: valor for campo, valor in buscar.items() if campo not in exclude}
        if not any(buscar.values()):
            return
        with connection.cursor() as cursor:
            cursor.execute(
                self._TOMADOS,
                {"nombre": buscar.get("username"), "correo": buscar.get("email"), "id": self.pk},
            )
            tomados = cursor.fetchall()
        mensajes = dict(DUPLICADOS.values())
        errores = {
            campo: ValidationError(mensajes[campo], code="unique")
            for fila in tomados
            for campo, tomado in zip(("username", "email"), fila, strict=True)
            if tomado
        }
        if errores:
            raise ValidationError(errores)

    @property
    def correo_confirmado(self) -> bool:
        return self.correo_confirmado_en is not None

    def get_session_auth_hash(self):
        return self._prueba_de_sesion()

    def get_session_auth_fallback_hash(self):
        for secreto in settings.SECRET_KEY_FALLBACKS:
            yield self._prueba_de_sesion(secreto)

    def _prueba_de_sesion(self, secreto=None) -> str:
        # Django's proof (an HMAC of the password hash: a new password ends every other
        # session), with the generation beside it once sessions were ended everywhere.
        prueba = self.password
        if self.generacion_de_sesiones:
            prueba = f"{prueba}:{self.generacion_de_sesiones}"
        sal = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(sal, prueba, secret=secreto, algorithm="sha256").hexdigest()


class Intento(models.Model):
    """One look-up counted against a limit (registro.limites); the key is a keyed hash."""

    clave = models.CharField(max_length=40)
    momento = models.DateTimeField()

    class Meta:
        verbose_name = _("intento")
        indexes = [models.Index(fields=["clave", "momento"], name="intento_clave_momento")]

    def __str__(self) -> str:
        return f"{self.clave[:8]}… {self.momento:%Y-%m-%d %H:%M}"


class CorreoPorEnviar(models.Model):
    """A message waiting for the sender (registro.cuentas.correo, manage.py enviar_correos).

    The request only writes this row; the message is composed and handed to the mail server
    outside it, so a slow or absent relay never holds a worker, and a refused message is
    tried again. ``contexto`` holds the link the message carries: the row is deleted once
    the message is sent.
    """

    PLANTILLAS = {
        "confirmacion": _("Confirmación del correo"),
        "cambio_correo": _("Confirmación del correo nuevo"),
        "recuperar_contrasena": _("Contraseña olvidada"),
        "recordar_usuario": _("Nombre de usuario olvidado"),
        "correo_cambiado": _("Aviso de correo cambiado, a la dirección anterior"),
    }

    plantilla = models.CharField(_("mensaje"), max_length=40, choices=PLANTILLAS)
    destinatario = models.EmailField(_("destinatario"), max_length=254)
    contexto = models.JSONField(_("contexto"))
    idioma = models.CharField(_("idioma"), max_length=10)
    creado_en = models.DateTimeField(_("creado"), default=timezone.now)
    intentos = models.PositiveSmallIntegerField(_("intentos fallidos"), default=0)
    siguiente_intento = models.DateTimeField(_("siguiente intento"), default=timezone.now)
    ultimo_error = models.CharField(_("último error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("correo por enviar")
        verbose_name_plural = _("correos por enviar")
        indexes = [models.Index(fields=["siguiente_intento"], name="correo_siguiente_intento")]

    def __str__(self) -> str:
        return (
            f"{self.get_plantilla_display()} ({timezone.localtime(self.creado_en):%Y-%m-%d %H:%M})"
        )


class SalaDeEspera(models.Model):
    """The waiting room's one row (registro.sala_de_espera), shared by every app server.

    People take numbered turns (the sequence registro_turno_seq) and those up to
    ``admitidos`` may start the registration; ``admitidos`` grows at the admission rate, by
    the function registro_sala_avanzar (migration 0013) that each process calls at most
    once a second. The operator sets ``modo`` and ``tasa_fija`` (manage.py sala_de_espera).
    """

    class Modo(models.TextChoices):
        AUTOMATICA = "automatica", _("automática: fila solo cuando llegan más de las que caben")
        SIEMPRE = "siempre", _("siempre: toda persona pasa por la fila")
        APAGADA = "apagada", _("apagada: sin fila")

    modo = models.CharField(
        _("modo"),
        max_length=12,
        choices=Modo,
        blank=True,
        help_text=_("Vacío: el de la variable SALA_DE_ESPERA de cada servidor."),
    )
    tasa_fija = models.FloatField(
        _("personas admitidas por segundo"),
        null=True,
        blank=True,
        help_text=_("Vacío: la de SALA_DE_ESPERA_TASA, o la que miden los servidores."),
    )
    admitidos = models.FloatField(_("turnos admitidos"), default=0)
    tasa = models.FloatField(_("tasa en uso"), default=0)
    actualizado = models.DateTimeField(_("actualizado"), default=timezone.now)

    class Meta:
        verbose_name = _("sala de espera")
        verbose_name_plural = _("sala de espera")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="sala_de_espera_unica")]

    def __str__(self) -> str:
        return str(self.get_modo_display())


class ServidorDeHash(models.Model):
    """What each machine measured of its password hashes: the admission rate adds up
    ``nucleos / cpu_por_hash`` over the machines seen lately."""

    servidor = models.CharField(_("servidor"), max_length=255, primary_key=True)
    nucleos = models.PositiveSmallIntegerField(_("núcleos"))
    cpu_por_hash = models.FloatField(_("segundos de CPU por contraseña"), null=True)
    visto = models.DateTimeField(_("visto"))

    class Meta:
        verbose_name = _("servidor de contraseñas")
        verbose_name_plural = _("servidores de contraseñas")

    def __str__(self) -> str:
        return self.servidor


class TurnoUsado(models.Model):
    """A turn whose admission someone has started a look-up with: no second browser may
    use it (registro.sala_de_espera.admision.reclamar)."""

    turno = models.BigIntegerField(primary_key=True)
    momento = models.DateTimeField()

    class Meta:
        verbose_name = _("turno usado")
        verbose_name_plural = _("turnos usados")

    def __str__(self) -> str:
        return str(self.turno)


class AppAutenticadora(models.Model):
    """A person's second factor: an authenticator app (TOTP, RFC 6238) sharing this secret.
    registro/cuentas/segundo_factor/flows.py uses it."""

    usuario = models.OneToOneField(
        Usuario, on_delete=models.CASCADE, related_name="app_autenticadora"
    )
    secreto = models.CharField(max_length=32)  # base32, 160 bits
    activada_en = models.DateTimeField(_("activada el"), default=timezone.now)
    # The 30-second step of the last code accepted: a code seen once is never accepted again.
    ultimo_paso = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("app autenticadora")
        verbose_name_plural = _("apps autenticadoras")

    def __str__(self):
        return _("App autenticadora de %(usuario)s") % {"usuario": self.usuario_id}


class CodigoDeRecuperacion(models.Model):
    """A single-use code that stands in for the app or a passkey, shown once; only its keyed
    hash is kept."""

    usuario = models.ForeignKey(
        Usuario, on_delete=models.CASCADE, related_name="codigos_de_recuperacion"
    )
    huella = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return _("Código de recuperación de %(usuario)s") % {"usuario": self.usuario_id}


class LlaveDeAcceso(models.Model):
    """A passkey (WebAuthn): a security key or a phone's screen lock, a way through the second
    step beside the authenticator app or instead of it."""

    usuario = models.ForeignKey(Usuario, on_delete=models.CASCADE, related_name="llaves_de_acceso")
    credencial = models.BinaryField(unique=True)
    clave_publica = models.BinaryField()
    contador = models.PositiveBigIntegerField(default=0)
    nombre = models.CharField(_("nombre"), max_length=80)  # the device it was made on
    creada_en = models.DateTimeField(_("agregada el"), default=timezone.now)
    usada_en = models.DateTimeField(_("usada por última vez"), null=True, blank=True)

    class Meta:
        verbose_name = _("llave de acceso")
        verbose_name_plural = _("llaves de acceso")

    def __str__(self):
        return self.nombre


class Actividad(models.Model):
    """What happened to an account, for its owner ("Mi actividad") and for staff: kept
    ACTIVIDAD_DIAS days, then purged by the maintenance loop. The address is stored cut
    short and the device as a browser and a system, never the whole User-Agent."""

    class Tipo(models.TextChoices):
        INGRESO = "ingreso", _("Ingresó a la Oficina Virtual")
        INGRESO_FALLIDO = "ingreso_fallido", _("Intento de ingresar con una contraseña equivocada")
        CONTRASENA = "contrasena", _("Cambió su contraseña")
        CONTRASENA_RECUPERADA = (
            "contrasena_recuperada",
            _("Eligió una contraseña nueva con un enlace de recuperación"),
        )
        RECUPERACION = "recuperacion", _("Pidió un enlace para recuperar su contraseña")
        CORREO = "correo", _("Cambió su correo electrónico")
        DOS_PASOS_ACTIVADA = "dos_pasos_activada", _("Activó la verificación en dos pasos")
        DOS_PASOS_QUITADA = "dos_pasos_quitada", _("Quitó la verificación en dos pasos")
        CODIGOS_NUEVOS = "codigos_nuevos", _("Generó códigos de recuperación nuevos")
        LLAVE_AGREGADA = "llave_agregada", _("Agregó una llave de acceso")
        LLAVE_QUITADA = "llave_quitada", _("Quitó una llave de acceso")
        SESIONES_CERRADAS = "sesiones_cerradas", _("Cerró su sesión en todos los dispositivos")

    usuario = models.ForeignKey(Usuario, on_delete=models.CASCADE, related_name="actividad")
    tipo = models.CharField(_("qué"), max_length=30, choices=Tipo.choices)
    momento = models.DateTimeField(_("cuándo"), default=timezone.now)
    dispositivo = models.CharField(_("dispositivo"), max_length=80)
    # A keyed hash of the device's own cookie: tells a device seen before from a new one.
    huella_dispositivo = models.CharField(max_length=64, blank=True)
    direccion = models.CharField(_("dirección (recortada)"), max_length=50, blank=True)
    # An e-mail change: the address before it, given back if its owner says "No fui yo".
    correo_anterior = models.EmailField(_("correo anterior"), blank=True)
    reportada_en = models.DateTimeField(
        _("«No fui yo» el"),
        null=True,
        blank=True,
        help_text=_("Cuándo la persona dijo que no fue ella: se cerraron sus sesiones."),
    )

    class Meta:
        verbose_name = _("actividad de una cuenta")
        verbose_name_plural = _("actividad de las cuentas")
        indexes = [models.Index(fields=["usuario", "-momento"], name="actividad_por_cuenta")]

    def __str__(self):
        return f"{self.get_tipo_display()} ({self.momento:%Y-%m-%d %H:%M})"
