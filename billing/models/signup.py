"""A self-service sign-up waiting for its e-mail to be verified. The merchant, its owner and its
subscription are created only when the single-use link is opened, so an unverified or abusive
sign-up leaves no customer behind; the rows also count attempts for the throttle (billing/signup.py)."""

import uuid

from django.conf import settings
from django.db import models

from .core import Merchant, Package


class Signup(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.CharField(max_length=200)
    org_number = models.CharField(max_length=11)
    owner_name = models.CharField(max_length=150)
    email = models.EmailField()
    password = models.CharField(max_length=128)  # a hash (make_password), never the password
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    terms_accepted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    merchant = models.ForeignKey(Merchant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"]), models.Index(fields=["email", "created_at"])]
