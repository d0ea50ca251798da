"""A connection: one Starweb webshop against one Specter account, with its credentials.

Settings of domain.md "Connection settings" are added as typed fields by the orders issue.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models import Merchant
from billing.models.core import MerchantOwned

from .fields import EncryptedTextField


class Connection(MerchantOwned, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(_("name"), max_length=200)
    # Starweb: the shop's API base URL and its API client credentials.
    starweb_base_url = models.URLField(_("Starweb API base URL"), max_length=300, blank=True)
    starweb_client_id = models.CharField(_("Starweb client id"), max_length=200, blank=True)
    starweb_client_secret = EncryptedTextField(_("Starweb client secret"))
    # Specter: the smbID and md5key that Specter issues.
    specter_smb_id = models.CharField(_("Specter smbID"), max_length=50, blank=True)
    specter_md5key = EncryptedTextField(_("Specter md5key"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["merchant", "name"]
        verbose_name = _("connection")
        verbose_name_plural = _("connections")

    def __str__(self):
        return self.name


class StarwebToken(models.Model):
    """A connection's Starweb access token, shared by every worker and process, encrypted at rest."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="starweb_token")
    access_token = EncryptedTextField()
    expires_at = models.DateTimeField()


class RateWindow(models.Model):
    """Requests sent to Starweb for a connection in one minute, counted across all workers."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "window_start"], name="rate_window_once")]
