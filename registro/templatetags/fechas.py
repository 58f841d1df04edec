from django import template

from .. import fechas

register = template.Library()
register.filter("fecha", fechas.fecha)
register.filter("hora", fechas.hora)
register.filter("iso", fechas.iso)
