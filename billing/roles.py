"""The staff roles as permission groups, kept in step with the code on every migrate."""

from django.contrib.auth.models import Group, Permission

INTEGRATION_STAFF = "Integration staff"
BILLING_ADMINS = "Billing admins"

# Codenames per group, as "app_label.codename". Staff configure customers; billing admins price them.
GROUP_PERMISSIONS = {
    INTEGRATION_STAFF: [
        "billing.onboard_merchants",
        "billing.view_merchant",
        "billing.add_merchant",
        "billing.change_merchant",
        # Memberships are made by onboarding (the owner's invitation), never by hand: staff who
        # could add one could make themselves owner of any merchant. They open a merchant's pages
        # as the merchant sees them instead (integrator/tenancy.py, audited).
        "billing.view_membership",
        "billing.view_subscription",
        "billing.add_subscription",
        "billing.view_package",
    ],
    BILLING_ADMINS: [
        "billing.view_billing",
        "billing.view_merchant",
        "billing.view_subscription",
        "billing.change_subscription",
        "billing.view_package",
        "billing.add_package",
        "billing.change_package",
    ],
}

ONBOARD_PERMISSION = "billing.onboard_merchants"
BILLING_PERMISSION = "billing.view_billing"


def ensure_groups(**_signal_kwargs) -> None:
    """Create the groups and set exactly their permissions (idempotent; runs after every migrate)."""
    for name, perms in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def is_integration_staff(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm(ONBOARD_PERMISSION)


def is_billing_admin(user) -> bool:
    return user.is_authenticated and user.has_perm(BILLING_PERMISSION)
