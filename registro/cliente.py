"""Who is asking: the client's address, behind as many proxies as the operator trusts."""

from django.conf import settings


def direccion(request) -> str:
    """REMOTE_ADDR, or with PROXIES_DE_CONFIANZA=N the address N hops back in X-Forwarded-For
    (so a client cannot choose its own address by sending the header)."""
    proxies = settings.PROXIES_DE_CONFIANZA
    if proxies:
        saltos = [s.strip() for s in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(saltos) >= proxies:
            return saltos[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def usuario_para_bloqueo(request, credentials) -> str:
    """django-axes counts failures per user name as the login treats it: regardless of case."""
    nombre = (credentials or {}).get("username") or request.POST.get("username", "")
    # Lower-casing can lengthen a name ("İ" → "i̇"); axes stores at most 255 characters.
    return str(nombre).strip().lower()[:150]
