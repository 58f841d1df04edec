"""Dates as a person reads them: "3 de diciembre de 2026" (months in lower case, as Spanish
writes them; Django's Spanish names are capitalised), "December 3, 2026" in English; the time
in America/Mexico_City. And for machines, the datetime attribute of a <time> element."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language


def fecha(momento: datetime.datetime) -> str:
    texto = formats.date_format(timezone.localtime(momento), "DATE_FORMAT")
    return texto.lower() if (get_language() or "es").startswith("es") else texto


def hora(momento: datetime.datetime) -> str:
    return formats.time_format(timezone.localtime(momento), "H:i")


def iso(momento: datetime.datetime) -> str:
    """2026-12-03T10:43:36-06:00: to the second, since HTML takes at most three digits of a
    second's fraction in a <time datetime> and Django's "c" format writes six."""
    return timezone.localtime(momento).replace(microsecond=0).isoformat()
