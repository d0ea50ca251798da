"""The audit trail (django-auditlog): who changed what and when, and when staff opened a
merchant's pages. Every entry carries its merchant in `additional_data` so a merchant's trail is
one indexed lookup. Values of secrets are never recorded: those fields are never registered.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import accessed

from .models import HourPurchase, Membership, Merchant, OnboardingStep, Package, Subscription, WorkLog


def register() -> None:
    """Register billing's models (called once from BillingConfig.ready)."""
    # Own fields only: the reverse relations would fill every entry with noise.
    auditlog.register(Merchant, include_fields=["name", "org_number", "contact_email", "is_active"])
    auditlog.register(Package)
    for model in (Membership, Subscription, HourPurchase, WorkLog, OnboardingStep):
        auditlog.register(model)


def record_staff_access(merchant: Merchant) -> None:
    """An ACCESS entry: a staff user opened the merchant's pages as the merchant sees them."""
    accessed.send(sender=Merchant, instance=merchant)


def trail(merchant_id, limit: int = 100):
    """The merchant's newest audit entries."""
    return (
        LogEntry.objects.filter(additional_data__merchant=str(merchant_id))
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    )
