"""Personas and shared fixtures. Fixtures are named after what they return."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from billing.roles import BILLING_ADMINS, INTEGRATION_STAFF
from tests.billing.factories import MembershipFactory, SubscriptionFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts without cached closed months: they must not outlive the test database they
    were read from."""
    from django.core.cache import cache

    from billing.closing import CLOSED_KEY

    cache.delete(CLOSED_KEY)
    yield


def _logged_in(user) -> Client:
    # force_login: django-axes insists on a real request for authenticate(); the login form itself
    # is tested in tests/integrator/test_auth.py.
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def merchant(db):
    """A merchant on package 200 with an owner (see `owner`)."""
    membership = MembershipFactory()
    SubscriptionFactory(merchant=membership.merchant)
    return membership.merchant


@pytest.fixture
def owner(merchant):
    """The owner of `merchant`."""
    return merchant.memberships.get().user


@pytest.fixture
def owner_client(owner) -> Client:
    return _logged_in(owner)


@pytest.fixture
def other_merchant(db):
    """A second tenant, with its own owner, that must never see `merchant`'s data (nor it theirs)."""
    membership = MembershipFactory()
    SubscriptionFactory(merchant=membership.merchant)
    return membership.merchant


@pytest.fixture
def other_owner_client(other_merchant) -> Client:
    return _logged_in(other_merchant.memberships.get().user)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


def _user_in_group(group_name: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def staff_user(db):
    """An integration specialist (the "Integration staff" group)."""
    return _user_in_group(INTEGRATION_STAFF)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return _logged_in(staff_user)


@pytest.fixture
def billing_admin(db):
    """A member of the "Billing admins" group."""
    return _user_in_group(BILLING_ADMINS)


@pytest.fixture
def billing_client(billing_admin) -> Client:
    return _logged_in(billing_admin)
