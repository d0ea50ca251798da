"""Self-service sign-up: the form's answers wait as a Signup row until the single-use link in the
e-mail is opened; then the customer is created exactly as staff create one (onboarding.onboard:
merchant, owner, subscription from that day, the mandatory start package on the service account).

Throttled in the database, so the count holds across web workers and machines: at most
SIGNUP_PER_IP_PER_HOUR sign-ups from one client address an hour and SIGNUP_PER_EMAIL_PER_DAY to one
e-mail address a day. (Failed logins are django-axes' job; this counts sign-ups, which never fail.)
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import onboarding
from .models import Membership, Package, Signup
from .subscriptions import Plan

SALT = "integrator.signup"


class Throttled(Exception):
    """Too many sign-ups from this address or to this e-mail: try later."""


class LinkInvalid(Exception):
    """The link is not ours, has expired, or was used already (`used`)."""

    def __init__(self, used: bool = False):
        super().__init__("used" if used else "invalid")
        self.used = used


@dataclass(frozen=True)
class Answers:
    company: str
    org_number: str
    owner_name: str
    email: str
    password: str
    package: Package


def packages_for_sale():
    """What a merchant can buy alone: every package for sale with a price (quoted ones are a talk with us)."""
    return [p for p in Package.objects.filter(is_active=True) if not p.is_quoted]


def check_throttle(ip: str | None, email: str) -> None:
    now = timezone.now()
    if (
        ip
        and Signup.objects.filter(ip_address=ip, created_at__gte=now - timedelta(hours=1)).count()
        >= settings.SIGNUP_PER_IP_PER_HOUR
    ):
        raise Throttled
    if (
        Signup.objects.filter(email__iexact=email, created_at__gte=now - timedelta(days=1)).count()
        >= settings.SIGNUP_PER_EMAIL_PER_DAY
    ):
        raise Throttled


@transaction.atomic
def start(answers: Answers, *, ip: str | None, link_for) -> Signup:
    """Record the sign-up and e-mail its link (`link_for(token) -> absolute URL`) after commit.
    Raises Throttled. An e-mail that already has an account gets a note saying so instead, and the
    page says the same either way, so nobody learns who has an account."""
    email = answers.email.strip().lower()
    check_throttle(ip, email)
    # Unconfirmed sign-ups hold a password hash: kept no longer than the link and the throttle need them.
    Signup.objects.filter(verified_at__isnull=True, created_at__lt=timezone.now() - timedelta(days=7)).delete()
    signup = Signup.objects.create(
        company=answers.company,
        org_number=answers.org_number,
        owner_name=answers.owner_name,
        email=email,
        password=make_password(answers.password),
        package=answers.package,
        language=translation.get_language() or "",
        ip_address=ip,
        terms_accepted_at=timezone.now(),
    )
    exists = get_user_model().objects.filter(username__iexact=email).exists()
    link = link_for(signing.dumps(str(signup.pk), salt=SALT))
    transaction.on_commit(lambda: (_mail_existing if exists else _mail_link)(signup, link))
    return signup


def _mail_link(signup: Signup, link: str) -> None:
    with translation.override(signup.language or None):
        send_mail(
            subject=_("Confirm your e-mail to start %(company)s on integrator") % {"company": signup.company},
            message=_(
                "Hello %(name)s,\n\nopen this link to confirm your e-mail and start %(company)s's connection between "
                "Starweb and Specter:\n%(link)s\n\nThe link works once, for %(hours)s hours. If you did not sign up, "
                "ignore this e-mail: nothing is created without it.\n"
            )
            % {"name": signup.owner_name, "company": signup.company, "link": link, "hours": settings.SIGNUP_LINK_HOURS},
            from_email=None,
            recipient_list=[signup.email],
        )


def _mail_existing(signup: Signup, _link: str) -> None:
    with translation.override(signup.language or None):
        send_mail(
            subject=_("You already have an account on integrator"),
            message=_(
                "Someone, probably you, tried to sign up with this e-mail. You already have an account: log in at "
                "%(login)s (forgot the password? choose a new one there). Nothing was changed.\n"
            )
            % {"login": settings.PUBLIC_BASE_URL + "/accounts/login/"},
            from_email=None,
            recipient_list=[signup.email],
        )


@transaction.atomic
def complete(token: str) -> Membership:
    """Open the link: create the customer from the sign-up and return the owner's membership.
    Raises LinkInvalid (used=True when the link was opened before)."""
    try:
        signup_id = signing.loads(token, salt=SALT, max_age=timedelta(hours=settings.SIGNUP_LINK_HOURS))
    except signing.BadSignature:
        raise LinkInvalid from None
    signup = Signup.objects.select_for_update().filter(pk=signup_id).first()
    if signup is None:
        raise LinkInvalid
    if signup.verified_at is not None:
        raise LinkInvalid(used=True)
    if get_user_model().objects.filter(username__iexact=signup.email).exists():
        raise LinkInvalid(used=True)  # the e-mail has an account: it logs in, it does not sign up again
    plan = Plan(package=signup.package, from_date=timezone.localdate())
    customer = onboarding.NewCustomer(
        name=signup.company, org_number=signup.org_number, owner_email=signup.email, plan=plan
    )
    merchant = onboarding.onboard(customer, None, invite_owner=False)
    membership = merchant.memberships.select_related("user").get(role=Membership.Role.OWNER)
    owner = membership.user
    first, _space, last = signup.owner_name.partition(" ")
    owner.password, owner.first_name, owner.last_name = signup.password, first[:150], last[:150]
    owner.save(update_fields=["password", "first_name", "last_name"])
    signup.verified_at, signup.merchant, signup.user = timezone.now(), merchant, owner
    signup.password = ""  # the user holds it now
    signup.save(update_fields=["verified_at", "merchant", "user", "password"])
    return membership
