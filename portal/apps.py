from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The merchant's pages: activate, configure, watch and fix a connection. On top of the
    others (billing ← connections ← syncflows ← portal): it only composes them."""

    name = "portal"
    verbose_name = "Merchant portal"
