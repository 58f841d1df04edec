"""The captcha's challenge: letters and numbers, as the seed's image shows, drawn with secrets."""

import secrets

from captcha.conf import settings

# No 0/O, 1/I/L or 5/S: characters a person cannot tell apart in a distorted image.
ALFABETO = "ABCDEFGHJKMNPQRTUVWXYZ2346789"


def reto_alfanumerico() -> tuple[str, str]:
    texto = "".join(secrets.choice(ALFABETO) for _ in range(settings.CAPTCHA_LENGTH))
    return texto, texto.lower()
