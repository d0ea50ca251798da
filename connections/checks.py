"""System check: the credential keys are valid at start-up, not at the first decrypt (loud on bad values)."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from . import crypto


@register()
def credential_keys_are_valid(app_configs=None, **kwargs):
    try:
        crypto.current()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Generate one with: python -m integrator.envfile", id="connections.E001")]
    return []
