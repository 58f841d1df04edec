"""Who may log in to the Oficina Virtual, whose session is kept, and whose failed logins
django-axes counts together."""

from django.contrib.auth.backends import ModelBackend


class IngresoBackend(ModelBackend):
    """Checks the password of every account, so that the login form can say, to the person
    who knows the password, why a deactivated, unconfirmed or replaced account cannot enter
    (cuentas.forms.IngresoForm). A session is kept only for an account that may use it."""

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        usuario = super().get_user(user_id)
        if usuario is None or not usuario.is_active or usuario.de_version_anterior:
            return None
        return usuario


def usuario_para_bloqueo(request, credentials) -> str:
    """django-axes counts failures per user name as the login treats it: regardless of case."""
    nombre = (credentials or {}).get("username") or request.POST.get("username", "")
    # Lower-casing can lengthen a name ("İ" → "i̇"); axes stores at most 255 characters.
    return str(nombre).strip().lower()[:150]
