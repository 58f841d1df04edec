"""manage.py purgar_vencidos: what has expired goes (captcha challenges, look-up counts,
sessions), what is still valid stays."""

import os

import pytest
from captcha.models import CaptchaStore
from django.core.management import call_command

from registro.models import Intento

pytestmark = pytest.mark.django_db


def test_purgar_vencidos_borra_captchas_intentos_y_sesiones(derechohabiente, client):
    from datetime import timedelta

    from django.utils import timezone

    vieja = CaptchaStore.objects.create(
        challenge="ABCDE", response="abcde", expiration=timezone.now() - timedelta(minutes=1)
    )
    vigente = CaptchaStore.generate_key()
    Intento.objects.create(clave="x" * 40, momento=timezone.now() - timedelta(days=2))
    Intento.objects.create(clave="y" * 40, momento=timezone.now())
    call_command("purgar_vencidos", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not CaptchaStore.objects.filter(pk=vieja.pk).exists()
    assert CaptchaStore.objects.filter(hashkey=vigente).exists()
    assert list(Intento.objects.values_list("clave", flat=True)) == ["y" * 40]
