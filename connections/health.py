"""/health/ turns red when the configured CREDENTIALS_KEYS cannot open the stored credentials:
every order would fail, so a load balancer and the operator must know at once."""

import dataclasses

from django.db.models import Q
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from . import crypto
from .models import Connection


@dataclasses.dataclass
class CredentialsKeyCheck(HealthCheck):
    """Fails when CREDENTIALS_KEYS is not a list of Fernet keys, or does not open the newest and
    the oldest stored credential (a key replaced instead of rotated, or removed too early)."""

    def run(self):
        try:
            crypto.current()
        except crypto.CredentialsKeyError as error:
            raise ServiceUnavailable(str(error)) from None
        stored = Connection.objects.filter(Q(specter_md5key__isnull=False) | Q(starweb_client_secret__isnull=False))
        for connection in {stored.order_by("updated_at").first(), stored.order_by("-updated_at").first()} - {None}:
            for secret in (connection.specter_md5key, connection.starweb_client_secret):
                if secret is None:
                    continue
                try:
                    secret.reveal()
                except crypto.CredentialDecryptionError:
                    raise ServiceUnavailable("CREDENTIALS_KEYS does not open the stored credentials") from None
