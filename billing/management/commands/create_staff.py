"""The first (or any) staff user in production: `manage.py create_staff <e-mail> --role staff|billing|both`.

Puts the user in the role's permission group (billing/roles.py) with is_staff, and either asks for
a password on the terminal or, with --invite, e-mails a single-use link to choose one. Never a
superuser: the roles are the groups, and no role can grant itself another."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.onboarding import password_link
from billing.roles import BILLING_ADMINS, INTEGRATION_STAFF, ensure_groups

ROLES = {"staff": [INTEGRATION_STAFF], "billing": [BILLING_ADMINS], "both": [INTEGRATION_STAFF, BILLING_ADMINS]}


class Command(BaseCommand):
    help = "Create or update a staff user (integration staff, billing admin or both) and set or mail their password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=sorted(ROLES), default="staff")
        parser.add_argument(
            "--invite", action="store_true", help="e-mail a single-use link to choose a password instead of asking"
        )

    def handle(self, *args, email, role, invite, **options):
        email = email.strip().lower()
        ensure_groups()
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
            user.is_staff = True
            if invite:
                if created:
                    user.set_unusable_password()
            else:
                user.set_password(self._password(user))
            user.save()
            user.groups.add(*Group.objects.filter(name__in=ROLES[role]))
        if invite:
            send_mail(
                subject=_("Your staff account on integrator"),
                message=_("Choose your password here:\n%(link)s\n\nYour username: %(username)s\n")
                % {"link": password_link(user), "username": email},
                from_email=None,
                recipient_list=[email],
            )
        self.stdout.write(
            self.style.SUCCESS(f"{'Created' if created else 'Updated'} {email}: {', '.join(ROLES[role])}.")
        )

    def _password(self, user) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        try:
            password_validation.validate_password(first, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return first
