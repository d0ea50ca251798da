"""Onboarding a customer: create the merchant, invite its owner, sell the package and the mandatory
start package; and the onboarding checklist, whose steps tick themselves from real events where a
detector can tell (higher apps register detectors, so billing imports none of them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrator.inputs import one_line

from .models import HourPurchase, Membership, Merchant, OnboardingStep, OrderUsage, WorkLog
from .subscriptions import Plan

STEPS = [
    ("credentials", gettext_lazy("Credentials received")),
    ("flow", gettext_lazy("Flow chosen")),
    ("preflight", gettext_lazy("Pre-flight check passed")),
    ("first_order", gettext_lazy("First order transferred")),
    ("training", gettext_lazy("Training held")),
    ("handover", gettext_lazy("Delivery signed off by the customer")),
]
STEP_NAMES = dict(STEPS)

# What makes each self-ticking step tick, in the words staff read on the checklist.
SOURCES = {
    "credentials": gettext_lazy("when a connection has its Specter and Starweb credentials saved"),
    "flow": gettext_lazy("when a connection's flow is chosen"),
    "preflight": gettext_lazy("when a connection is activated (activation follows a passed pre-flight check)"),
    "first_order": gettext_lazy("when the first order is transferred"),
    "training": gettext_lazy("when work in the category Training is logged"),
}

# step -> function(merchant) -> bool. A step with a detector ticks itself; others are ticked by hand.
_detectors: dict[str, Callable[[Merchant], bool]] = {}


def detector(step: str):
    """Register `func(merchant) -> bool` as the automatic check of `step` (used by higher apps)."""
    if step not in STEP_NAMES:
        raise ValueError(f"unknown onboarding step {step!r}")

    def register(func):
        _detectors[step] = func
        return func

    return register


@detector("first_order")
def _first_order(merchant: Merchant) -> bool:
    return OrderUsage.objects.filter(merchant=merchant).exists()


@detector("training")
def _training(merchant: Merchant) -> bool:
    return WorkLog.objects.filter(merchant=merchant, category=WorkLog.Category.TRAINING).exists()


@dataclass(frozen=True)
class ChecklistItem:
    step: str
    label: str
    done: bool
    automatic: bool
    done_at: datetime | None = None
    source: str = ""  # what ticks it, for a step that ticks itself


def checklist(merchant: Merchant) -> list[ChecklistItem]:
    manual = {s.step: s.done_at for s in merchant.onboarding_steps.all()}
    items = []
    for step, label in STEPS:
        check = _detectors.get(step)
        detected = bool(check and check(merchant))
        source = str(SOURCES.get(step, "")) if check is not None else ""
        items.append(
            ChecklistItem(step, str(label), detected or step in manual, check is not None, manual.get(step), source)
        )
    return items


def ticks_itself(step: str) -> bool:
    return step in _detectors


def tick(merchant: Merchant, step: str, user) -> None:
    if step not in STEP_NAMES:
        raise ValueError(step)
    OnboardingStep.objects.get_or_create(
        merchant=merchant, step=step, defaults={"done_at": timezone.now(), "done_by": user}
    )


def untick(merchant: Merchant, step: str) -> None:
    for row in OnboardingStep.objects.filter(merchant=merchant, step=step):
        row.delete()  # one by one, so the audit trail records each


@dataclass(frozen=True)
class NewCustomer:
    name: str
    org_number: str
    owner_email: str
    plan: Plan  # package and start date (plan.from_date)
    responsible: object = None  # the staff user responsible for the customer (required with a key account manager)


@transaction.atomic
def onboard(customer: NewCustomer, staff_user, *, invite_owner: bool = True) -> Merchant:
    """Create the merchant, its owner (invited by e-mail after commit), the subscription and the
    mandatory start package on the service account. A self-service sign-up (billing/signup.py)
    passes no staff user and no invitation: its owner chose a password and verified the e-mail.

    Raises django.core.exceptions.ValidationError when the subscription breaks a rule.
    """
    plan = customer.plan
    merchant = Merchant.objects.create(
        name=customer.name,
        org_number=customer.org_number,
        contact_email=customer.owner_email,
        responsible=customer.responsible,
    )
    plan.subscription(merchant).save()
    terms = plan.package.version_for(plan.from_date)  # the catalogue as it stands in the starting month
    HourPurchase.objects.create(
        merchant=merchant,
        kind=HourPurchase.Kind.START_PACKAGE,
        hours=terms.start_package_hours,
        price=plan.quoted_installation_fee or terms.installation_fee or Decimal("0"),
        purchased_on=plan.from_date,
        created_by=staff_user,
    )
    owner, created = get_user_model().objects.get_or_create(
        username=customer.owner_email.lower(), defaults={"email": customer.owner_email.lower()}
    )
    if created:
        owner.set_unusable_password()
        owner.save()
    Membership.objects.create(user=owner, merchant=merchant, role=Membership.Role.OWNER)
    if invite_owner:
        transaction.on_commit(lambda: invite(owner, merchant))
    return merchant


def invite(user, merchant: Merchant) -> None:
    """E-mail the user a link to choose a password (Django's password-reset token: single use,
    expires after PASSWORD_RESET_TIMEOUT)."""
    link = password_link(user)
    send_mail(
        # A header is one line: a name pasted with a line break must neither break nor forge one.
        subject=one_line(_("Welcome to integrator, %(merchant)s") % {"merchant": merchant.name}),
        message=_(
            "You have been invited to manage %(merchant)s's connection between Starweb and Specter.\n\n"
            "Choose your password here:\n%(link)s\n\nYour username: %(username)s\n"
        )
        % {"merchant": merchant.name, "link": link, "username": user.get_username()},
        from_email=None,
        recipient_list=[user.email],
    )


def password_link(user) -> str:
    """A single-use link to choose a password (Django's password-reset token)."""
    return settings.PUBLIC_BASE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def service_balance_minutes(merchant: Merchant) -> int:
    """Minutes left on the service account (negative: to bill this month, see billing/service_account.py)."""
    from .service_account import balance_minutes

    return balance_minutes(merchant)
