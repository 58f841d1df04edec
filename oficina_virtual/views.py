"""The project's own answers: the health check and the page of a server error."""

import sys

from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe


@require_safe
def salud(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return HttpResponse("base de datos: sin respuesta\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def error_del_servidor(request):
    """handler500. A database that does not answer is a 503 ("try again shortly"); the page
    is rendered without the request, so that it needs no database itself."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return HttpResponse(render_to_string("500.html"), status=500)
