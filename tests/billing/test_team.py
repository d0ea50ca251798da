"""The owner's colleagues: members see everything and change nothing that is a credential or a
setting; only an owner invites and removes, and only within their own merchant."""

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from billing.models import Membership
from connections.models import Connection
from tests.billing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, merchant, email):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("billing:team_invite", args=[merchant.pk]), {"email": email})


def test_an_owner_invites_a_colleague_who_gets_a_link_to_choose_a_password(owner_client, merchant):
    response = invite(owner_client, merchant, "Kollega@Example.se")
    assert response.status_code == 302
    membership = merchant.memberships.get(user__username="kollega@example.se")
    assert membership.role == Membership.Role.MEMBER and not membership.user.has_usable_password()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    assert "kollega@example.se" in owner_client.get(reverse("billing:team", args=[merchant.pk])).content.decode()


def test_a_colleague_with_an_account_is_added_and_told_so(owner_client, merchant):
    existing = UserFactory(username="finns@example.se")
    invite(owner_client, merchant, "finns@example.se")
    assert merchant.memberships.filter(user=existing, role=Membership.Role.MEMBER).exists()
    assert len(mail.outbox) == 1 and "/accounts/reset/" not in mail.outbox[0].body


def test_a_member_sees_the_settings_but_cannot_change_them_nor_invite(merchant):
    member = MembershipFactory(merchant=merchant, role=Membership.Role.MEMBER).user
    connection = Connection.objects.create(merchant=merchant, name="Shop", status=Connection.Status.ACTIVE)
    client = Client()
    client.force_login(member)
    url = reverse("portal:settings", args=[merchant.pk, connection.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="read-only"' in page.content.decode()
    assert (
        client.post(
            reverse("portal:settings_section", args=[merchant.pk, connection.pk, "customers"]),
            {"ignore_control_email": "on"},
        ).status_code
        == 404
    )
    connection.refresh_from_db()
    assert connection.ignore_control_email is False
    assert client.get(reverse("portal:setup", args=[merchant.pk, connection.pk, "specter"])).status_code == 404
    assert invite(client, merchant, "x@example.se").status_code == 404
    assert client.get(reverse("portal:dashboard", args=[merchant.pk, connection.pk])).status_code == 200


def test_an_owner_removes_a_member_but_not_an_owner_nor_one_of_another_merchant(
    owner_client, owner, merchant, other_merchant
):
    member = MembershipFactory(merchant=merchant, role=Membership.Role.MEMBER)
    stranger = MembershipFactory(merchant=other_merchant, role=Membership.Role.MEMBER)
    own = merchant.memberships.get(user=owner)
    assert owner_client.post(reverse("billing:team_remove", args=[merchant.pk, stranger.pk])).status_code == 404
    owner_client.post(reverse("billing:team_remove", args=[merchant.pk, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()
    assert owner_client.post(reverse("billing:team_remove", args=[merchant.pk, member.pk])).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists() and Membership.objects.filter(pk=stranger.pk).exists()
