"""Every view test covers the owner (works), another merchant's owner (404), anonymous (login)."""

import pytest
from django.urls import reverse

from billing.models import Membership
from tests.billing.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_owner_sees_their_merchant_home_with_its_package(owner_client, merchant):
    response = owner_client.get(reverse("billing:merchant_home", args=[merchant.pk]))
    assert response.status_code == 200
    assert merchant.name in response.content.decode()
    assert "Paket 200" in response.content.decode()


def test_another_merchants_owner_gets_404_for_the_merchant_home(other_owner_client, merchant):
    response = other_owner_client.get(reverse("billing:merchant_home", args=[merchant.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login_from_the_merchant_home(anonymous_client, merchant):
    url = reverse("billing:merchant_home", args=[merchant.pk])
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_deactivated_merchant_is_404_even_for_its_owner(owner_client, merchant):
    merchant.is_active = False
    merchant.save()
    assert owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).status_code == 404


def test_an_unknown_merchant_id_is_404_not_an_error(owner_client):
    response = owner_client.get("/m/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_home_sends_the_owner_to_their_merchant(owner_client, merchant):
    response = owner_client.get(reverse("home"))
    assert response["Location"] == reverse("billing:merchant_home", args=[merchant.pk])


def test_home_sends_staff_to_the_customer_list(staff_client):
    assert staff_client.get(reverse("home"))["Location"] == reverse("billing:staff_home")


def test_home_sends_billing_admins_to_billing(billing_client):
    assert billing_client.get(reverse("home"))["Location"] == reverse("billing:billing_home")


def test_home_lets_a_member_of_two_merchants_choose(owner_client, owner, other_merchant):
    MembershipFactory(user=owner, merchant=other_merchant, role=Membership.Role.MEMBER)
    response = owner_client.get(reverse("home"))
    assert response.status_code == 200
    assert other_merchant.name in response.content.decode()


def test_a_merchant_owner_is_refused_the_staff_and_billing_pages(owner_client):
    assert owner_client.get(reverse("billing:staff_home")).status_code == 403
    assert owner_client.get(reverse("billing:billing_home")).status_code == 403


def test_anonymous_is_sent_to_login_from_staff_and_billing_pages(anonymous_client):
    for name in ("billing:staff_home", "billing:billing_home", "home"):
        assert anonymous_client.get(reverse(name)).status_code == 302


def test_staff_see_every_merchant_with_its_package(staff_client, merchant, other_merchant):
    body = staff_client.get(reverse("billing:staff_home")).content.decode()
    assert merchant.name in body and other_merchant.name in body


def test_billing_admins_see_the_monthly_recurring_revenue(billing_client, merchant, other_merchant):
    response = billing_client.get(reverse("billing:billing_home"))
    # Two merchants on package 200 at 495 kr each.
    assert response.context["totals"]["mrr"] == 990
