"""The role walk: every model registered in the back office (Django admin), every page of it
(changelist, add, change, delete, and the inlines of a change page), as every persona; each may
do exactly what the table says. Only superusers manage accounts, groups and memberships, so no
role can grant itself another (no one makes themselves owner of a merchant)."""

import datetime

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ, Schedule, Success

from billing.models import Membership, Package
from tests.billing.factories import SubscriptionFactory, UserFactory
from tests.conftest import _user_in_group
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

ALL, VIEW = {"view", "add", "change", "delete"}, {"view"}
# persona -> model label -> what it may do. A model missing from a persona's table: nothing.
EXPECTED = {
    "superuser": {
        **{
            label: ALL
            for label in (
                "billing.Merchant",
                "billing.Membership",
                "billing.Package",
                "connections.Connection",
                "auth.User",
                "auth.Group",
                "django_q.Schedule",
            )
        },
        # A subscription is billing history: nobody deletes one, a change is planned (or withdrawn) instead.
        "billing.Subscription": {"view", "add", "change"},
        # Third-party records: superusers read them (what each library's admin allows beyond that is its own).
        **{
            label: VIEW
            for label in (
                "axes.AccessAttempt",
                "axes.AccessLog",
                "axes.AccessFailureLog",
                "django_q.Success",
                "django_q.Failure",
                "django_q.OrmQ",
                "auditlog.LogEntry",
            )
        },
    },
    "staff": {
        "billing.Merchant": {"view", "add", "change"},
        "billing.Membership": VIEW,
        "billing.Subscription": {"view", "add"},
        "billing.Package": VIEW,
    },
    "billing": {
        "billing.Merchant": VIEW,
        "billing.Subscription": {"view", "change"},
        "billing.Package": {"view", "add", "change"},
    },
    "bare_staff": {},  # is_staff without a group: the back office opens, and shows nothing
}
PERSONAS = list(EXPECTED)


def _persona(name):
    if name == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if name == "staff":
        return _user_in_group("Integration staff")
    if name == "billing":
        return _user_in_group("Billing admins")
    return UserFactory(is_staff=True)


@pytest.fixture
def rows(merchant):
    """One row of every registered model, so each change and delete page has something to open."""
    now = timezone.now()
    task = {"name": "t", "func": "syncflows.tasks.heartbeat", "started": now, "stopped": now}
    axes = {
        "user_agent": "ua",
        "ip_address": "10.0.0.1",
        "username": "u",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    made = {
        "billing.Merchant": merchant,
        "billing.Membership": merchant.memberships.get(),
        "billing.Subscription": SubscriptionFactory(merchant=merchant, start_date=datetime.date(2026, 1, 1)),
        "billing.Package": Package.objects.first(),
        "connections.Connection": ConnectionFactory(merchant=merchant),
        "auth.User": merchant.memberships.get().user,
        "auth.Group": Group.objects.get(name="Integration staff"),
        "django_q.Schedule": Schedule.objects.first() or Schedule.objects.create(func="syncflows.tasks.heartbeat"),
        "django_q.Success": Success.objects.create(id="a" * 32, success=True, **task),
        "django_q.Failure": Failure.objects.create(id="b" * 32, success=False, **task),
        "django_q.OrmQ": OrmQ.objects.create(key="default", payload="x", lock=now),
        "auditlog.LogEntry": LogEntry.objects.first(),
        "axes.AccessAttempt": AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **axes),
        "axes.AccessLog": AccessLog.objects.create(**axes),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(**axes),
    }
    assert all(made.values())
    return made


def _url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_back_office_model_is_in_the_table():
    """A model newly registered in the admin must be given its place in EXPECTED (or this fails)."""
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(EXPECTED["superuser"])
    assert all(set(table) <= registered for table in EXPECTED.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_may_do_exactly_what_the_table_says_on_every_back_office_page(persona, rows):
    user = _persona(persona)
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/backoffice/")
    request.user = user
    wrong = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        allowed = EXPECTED[persona].get(label, set())
        row = rows[label]
        may = {
            "view": model_admin.has_view_permission(request, row),
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_change_permission(request, row),
            "delete": model_admin.has_delete_permission(request, row),
        }
        granted = {what for what, yes in may.items() if yes}
        if persona == "superuser":
            if not allowed <= granted:  # at least what the table gives; libraries may refuse more
                wrong.append((label, "methods", sorted(granted)))
        elif granted != allowed:
            wrong.append((label, "methods", sorted(granted)))
        pages = {
            "changelist": (_url(model, "changelist"), bool({"view", "change"} & granted)),
            "add": (_url(model, "add"), "add" in granted),
            "change": (_url(model, "change", row.pk), bool({"view", "change"} & granted)),
            "delete": (_url(model, "delete", row.pk), "delete" in granted),
        }
        for page, (url, expect_open) in pages.items():
            status = client.get(url).status_code
            if status != (200 if expect_open else 403):
                wrong.append((label, page, status))
    assert wrong == []


@pytest.mark.parametrize("persona", ["staff", "billing", "bare_staff"])
def test_no_inline_of_a_change_page_lets_anyone_but_a_superuser_edit_memberships(persona, rows):
    user = _persona(persona)
    request = RequestFactory().get("/backoffice/")
    request.user = user
    merchant = rows["billing.Merchant"]
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.get_inline_instances(request, rows[model._meta.label]):
            if inline.model in (Membership, get_user_model(), Group, Permission):
                assert not inline.has_add_permission(request, merchant)
                assert not inline.has_change_permission(request, merchant)
                assert not inline.has_delete_permission(request, merchant)


def _merchant_form(merchant, **extra):
    data = {
        "name": merchant.name,
        "org_number": merchant.org_number,
        "contact_email": merchant.contact_email,
        "is_active": "on",
        "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_staff_cannot_add_themselves_as_owner_through_the_membership_inline(staff_client, staff_user, merchant):
    climb = _merchant_form(
        merchant,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(staff_user.pk),
            "memberships-0-role": "owner",
            "memberships-0-merchant": str(merchant.pk),
        },
    )
    staff_client.post(_url(merchant.__class__, "change", merchant.pk), climb)
    assert not Membership.objects.filter(user=staff_user).exists()
    # ... nor through the membership pages themselves.
    response = staff_client.post(
        _url(Membership, "add"), {"user": staff_user.pk, "merchant": merchant.pk, "role": "owner"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=staff_user).exists()


def test_staff_cannot_change_an_existing_membership_to_their_own(staff_client, staff_user, merchant):
    membership = merchant.memberships.get()
    data = _merchant_form(
        merchant,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-user": str(staff_user.pk),
            "memberships-0-role": "owner",
            "memberships-0-merchant": str(merchant.pk),
        },
    )
    staff_client.post(_url(merchant.__class__, "change", merchant.pk), data)
    membership.refresh_from_db()
    assert membership.user != staff_user


@pytest.mark.parametrize("persona", ["staff", "billing", "bare_staff"])
def test_no_role_can_give_itself_superuser_staff_groups_or_permissions(persona):
    user = _persona(persona)
    client = Client()
    client.force_login(user)
    groups_before = set(user.groups.values_list("pk", flat=True))
    every_group = list(Group.objects.values_list("pk", flat=True))
    every_permission = list(Permission.objects.values_list("pk", flat=True)[:50])
    response = client.post(
        _url(get_user_model(), "change", user.pk),
        {
            "username": user.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": every_group,
            "user_permissions": every_permission,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00",
        },
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    assert set(user.groups.values_list("pk", flat=True)) == groups_before
    assert not user.user_permissions.exists()
    for group in Group.objects.all():
        before = set(group.permissions.values_list("pk", flat=True))
        response = client.post(_url(Group, "change", group.pk), {"name": group.name, "permissions": every_permission})
        assert response.status_code == 403
        assert set(group.permissions.values_list("pk", flat=True)) == before
    assert client.post(_url(Group, "add"), {"name": "mine", "permissions": every_permission}).status_code == 403
    assert (
        client.post(
            _url(get_user_model(), "add"), {"username": "new", "password1": "x" * 12, "password2": "x" * 12}
        ).status_code
        == 403
    )
    assert not Group.objects.filter(name="mine").exists()


def test_a_superuser_still_manages_memberships(merchant, staff_user):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    response = client.post(_url(Membership, "add"), {"user": staff_user.pk, "merchant": merchant.pk, "role": "member"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=staff_user, merchant=merchant).exists()


def test_staff_configure_through_the_audited_merchant_view_and_stay_no_member(staff_client, staff_user, merchant):
    connection = ConnectionFactory(merchant=merchant)
    settings_url = reverse("portal:settings", kwargs={"merchant_id": merchant.pk, "connection_id": connection.pk})
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=staff_user).count()
    assert staff_client.get(settings_url).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=staff_user).count() == before + 1
    assert not Membership.objects.filter(user=staff_user).exists()


def test_a_billing_admin_does_not_open_a_merchants_pages(billing_client, merchant):
    connection = ConnectionFactory(merchant=merchant)
    url = reverse("portal:settings", kwargs={"merchant_id": merchant.pk, "connection_id": connection.pk})
    assert billing_client.get(url).status_code == 404
