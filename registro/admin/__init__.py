"""Staff's screens in Django admin, one module each; the pieces that keep them fast with
the national registry (search, counting, export) one module each too."""

from . import actividad, correos, derechohabientes, usuarios  # noqa: F401 - each registers its screen
