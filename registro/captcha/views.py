"""The captcha's image and audio, by challenge key (neither uses the challenge up), and a new
challenge for "Actualizar Imagen" with JavaScript."""

import functools
import logging
import subprocess

from captcha.models import CaptchaStore
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import audio as audio_captcha
from . import imagen as imagen_captcha
from . import reto
from .limites import limitar_retos

logger = logging.getLogger(__name__)


@require_GET
def imagen(request, clave: str):
    reto = CaptchaStore.objects.filter(hashkey=clave).values_list("challenge", flat=True).first()
    if reto is None:
        return HttpResponse(status=410)  # as the library: gone, not to be indexed
    return HttpResponse(imagen_captcha.png(clave, reto), content_type="image/png")


def solo_para_el_script(vista):
    """As the library's refresh view: a JSON answer for the page's script only, and anything
    else turned away before it counts against the client's limit."""

    @functools.wraps(vista)
    def del_script(request, *args, **kwargs):
        if request.headers.get("x-requested-with") != "XMLHttpRequest":
            raise Http404
        return vista(request, *args, **kwargs)

    return del_script


@require_GET
@solo_para_el_script
@limitar_retos
def actualizar(request):
    """A new challenge in place of ``anterior``, which is deleted: the library's refresh view,
    under the limits, and leaving nothing behind."""
    reto.descartar(request.GET.get("anterior", ""))
    clave = reto.nuevo_reto()
    return JsonResponse(
        {
            "key": clave,
            "image_url": reverse("captcha_imagen", args=[clave]),
            "audio_url": audio_captcha.url(clave),
        },
        headers={"Cache-Control": "no-store"},
    )


@require_GET
@limitar_retos
def audio(request, clave):
    """The unexpired challenge `clave` as a WAV file; 404 if unknown, expired or no espeak-ng."""
    reto = (
        CaptchaStore.objects.filter(hashkey=clave, expiration__gt=timezone.now())
        .values_list("challenge", flat=True)
        .first()
    )
    if reto is None or not audio_captcha.disponible():
        raise Http404("No hay audio para este captcha.")
    try:
        wav = audio_captcha.sintetizar(reto, clave)
    except (OSError, subprocess.SubprocessError, ValueError):
        logger.exception("espeak-ng no pudo leer el captcha")
        return HttpResponse(
            "No fue posible generar el audio.",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Cache-Control": "no-store"},
        )
    return HttpResponse(wav, content_type="audio/wav", headers={"Cache-Control": "no-store"})
