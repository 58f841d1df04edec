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
