"""manage.py purgar_vencidos: what has expired goes (captcha challenges, look-up counts,
sessions), what is still valid stays; with --cada, again and again."""

import os
import subprocess
import time
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from registro.models import Intento, ServidorDeHash, TurnoUsado

from .conftest import entorno_de_una_terminal_nueva

pytestmark = pytest.mark.django_db


def test_purgar_vencidos_borra_captchas_intentos_y_sesiones(derechohabiente, client):
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


def test_purgar_vencidos_borra_los_turnos_usados_de_hace_mas_de_12_horas():
    TurnoUsado.objects.create(turno=1, momento=timezone.now() - timedelta(hours=13))
    TurnoUsado.objects.create(turno=2, momento=timezone.now() - timedelta(hours=1))
    ServidorDeHash.objects.create(
        servidor="ido", nucleos=2, cpu_por_hash=0.2, visto=timezone.now() - timedelta(days=2)
    )
    call_command("purgar_vencidos", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(TurnoUsado.objects.values_list("turno", flat=True)) == [2]  # may still be used
    assert not ServidorDeHash.objects.filter(servidor="ido").exists()


def captcha_vencido() -> CaptchaStore:
    return CaptchaStore.objects.create(
        challenge="ABCDE", response="abcde", expiration=timezone.now() - timedelta(minutes=1)
    )


def esperar_a_que_se_borre(captcha: CaptchaStore, segundos: float = 30) -> None:
    limite = time.monotonic() + segundos
    while CaptchaStore.objects.filter(pk=captcha.pk).exists():
        assert time.monotonic() < limite, "purgar_vencidos --cada no lo borró"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_con_cada_purga_una_y_otra_vez_sin_cron():
    # As make run, make serve and deploy/ start it (there every 5 minutes; here every 0.6 s).
    proceso = subprocess.Popen(
        ["scripts/con-basedatos.sh", ".venv/bin/python", "manage.py", "purgar_vencidos"]
        + ["--cada", "0.01"],
        cwd=settings.BASE_DIR,
        env=entorno_de_una_terminal_nueva(),
        stdout=subprocess.DEVNULL,
    )
    try:
        esperar_a_que_se_borre(captcha_vencido())
        esperar_a_que_se_borre(captcha_vencido())  # a later round, not only the first
        assert proceso.poll() is None  # still running
    finally:
        proceso.terminate()
        proceso.wait(timeout=10)
