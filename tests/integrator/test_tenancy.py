"""The tenant-access helper: another tenant's object is a 404, never a 403 or a leak."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from billing.models import Membership
from connections.models import Connection
from integrator.tenancy import for_merchant_or_404, membership_or_404, owner_view
from tests.billing.factories import MembershipFactory
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def test_a_member_gets_their_membership(owner, merchant):
    assert membership_or_404(owner, merchant.pk).merchant == merchant


def test_a_member_of_another_merchant_gets_404(owner, other_merchant):
    with pytest.raises(Http404):
        membership_or_404(owner, other_merchant.pk)


def test_an_object_of_another_tenant_is_404(merchant, other_merchant):
    theirs = ConnectionFactory(merchant=other_merchant)
    with pytest.raises(Http404):
        for_merchant_or_404(merchant, Connection, pk=theirs.pk)
    mine = ConnectionFactory(merchant=merchant)
    assert for_merchant_or_404(merchant, Connection, pk=mine.pk) == mine


def test_owner_only_views_are_404_for_a_plain_member(merchant):
    member = MembershipFactory(merchant=merchant, role=Membership.Role.MEMBER).user
    view = owner_view(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/")
    request.user = member
    with pytest.raises(Http404):
        view(request, merchant_id=merchant.pk)
    request.user = merchant.memberships.get(role=Membership.Role.OWNER).user
    assert view(request, merchant_id=merchant.pk).content == b"ok"
