"""`manage.py create_staff`: the first staff user in production, in the role's group, never a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from billing.roles import is_billing_admin, is_integration_staff

pytestmark = pytest.mark.django_db


def test_create_staff_asks_for_a_password_and_puts_the_user_in_the_role(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "ett-langt-staff-losenord")
    call_command("create_staff", "Anna@Integrator.se", "--role", "staff")
    user = get_user_model().objects.get(username="anna@integrator.se")
    assert user.check_password("ett-langt-staff-losenord") and is_integration_staff(user) and not is_billing_admin(user)
    assert not user.is_superuser


def test_create_staff_with_invite_mails_a_link_and_both_roles(monkeypatch):
    call_command("create_staff", "bo@integrator.se", "--role", "both", "--invite")
    user = get_user_model().objects.get(username="bo@integrator.se")
    assert is_integration_staff(user) and is_billing_admin(user) and not user.has_usable_password()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_create_staff_refuses_two_different_passwords(monkeypatch):
    answers = iter(["ett-langt-staff-losenord", "ett-annat-losenord"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        call_command("create_staff", "c@integrator.se")
    assert not get_user_model().objects.filter(username="c@integrator.se").exists()
