"""No page claims a feature that nothing implements: plugins (package 800 and up) are coming, never
ticked as included."""

import pytest
from django.urls import reverse

from billing.models import Subscription
from tests.billing.factories import package

pytestmark = pytest.mark.django_db


def test_a_package_800_merchant_sees_plugins_as_coming_not_as_included(owner_client, merchant):
    Subscription.objects.filter(merchant=merchant).update(package=package("800"))
    page = owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).content.decode()
    assert "Paket 800" in page
    assert "✓ Plugin" not in page and "– Plugin" in page and "kommer snart" in page


def test_the_price_table_ticks_no_plugins_for_any_package(client):
    page = client.get(reverse("portal:signup_terms")).content.decode()
    assert "Paket 800" in page and "kommer snart" in page
    assert "✓ Plugin" not in page
