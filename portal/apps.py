from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The portal's and the Oficina Virtual's pages around the registration; no models."""

    name = "portal"
    verbose_name = "Portal"
