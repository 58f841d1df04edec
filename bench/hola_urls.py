from django.http import HttpResponse
from django.urls import path


def hola(request):
    return HttpResponse("hello")


urlpatterns = [path("", hola)]
