"""The owner's colleagues: invite one as a member (sees everything; cannot change credentials or
settings, which are owner-only views) and remove one. Owners are not invited or removed here."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from . import onboarding
from .models import Membership, Merchant


class CannotRemove(Exception):
    """An owner, or oneself: not removed here."""


@transaction.atomic
def invite_member(merchant: Merchant, email: str, invited_by) -> tuple[Membership, bool]:
    """Add `email` as a member; returns (membership, created). A new user gets the single-use link
    to choose a password; one who already has an account gets a note that they were added."""
    email = email.strip().lower()
    user, new_user = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    if new_user:
        user.set_unusable_password()
        user.save()
    membership, created = Membership.objects.get_or_create(
        user=user, merchant=merchant, defaults={"role": Membership.Role.MEMBER}
    )
    if created:
        if user.has_usable_password():
            transaction.on_commit(lambda: _mail_added(user, merchant, invited_by))
        else:
            transaction.on_commit(lambda: onboarding.invite(user, merchant))
    return membership, created


def _mail_added(user, merchant: Merchant, invited_by) -> None:
    send_mail(
        subject=_("You now see %(merchant)s on integrator") % {"merchant": merchant.name},
        message=_("%(who)s added you to %(merchant)s. Log in as usual to see its connections and orders.\n")
        % {"who": invited_by.get_full_name() or invited_by.email, "merchant": merchant.name},
        from_email=None,
        recipient_list=[user.email],
    )


def remove_member(merchant: Merchant, membership_id, removed_by) -> Membership:
    """Remove a member of `merchant`. Raises Membership.DoesNotExist (another merchant's, or none) and CannotRemove."""
    membership = Membership.objects.select_related("user").get(pk=membership_id, merchant=merchant)
    if membership.role == Membership.Role.OWNER or membership.user_id == removed_by.pk:
        raise CannotRemove
    membership.delete()  # on the audit trail (auditlog registers Membership)
    return membership
