"""Staff onboarding pages: a new customer end to end, the checklist, the service account, changes."""

import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from billing.models import HourPack, HourPurchase, Membership, Merchant, WorkLog
from billing.onboarding import checklist
from tests.billing.factories import SubscriptionFactory, package
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def _new_customer(staff_client, **overrides):
    data = {
        "name": "Kaffekoppen AB",
        "org_number": "556123-4567",
        "owner_email": "ägare@kaffekoppen.se".replace("ä", "a"),
        "package": package("200").pk,
        "start_date": "2026-12-01",
        "extra_shops": "0",
    }
    data.update(overrides)
    return staff_client.post(reverse("billing:staff_new_customer"), data)


def test_staff_create_a_customer_who_gets_an_invitation_that_sets_a_password(
    staff_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _new_customer(staff_client)
    merchant = Merchant.objects.get(name="Kaffekoppen AB")
    assert response["Location"] == reverse("billing:staff_merchant", args=[merchant.pk])
    owner = merchant.memberships.get(role=Membership.Role.OWNER).user
    assert not owner.has_usable_password()
    start = merchant.hour_purchases.get()
    assert (start.kind, start.hours, start.price) == ("start_package", 3, 4200)
    assert len(mail.outbox) == 1 and "Kaffekoppen AB" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "ny-agare-losen-77", "new_password2": "ny-agare-losen-77"})
    owner.refresh_from_db()
    assert owner.check_password("ny-agare-losen-77")


def test_premium_without_quoted_figures_is_refused_with_field_errors(staff_client):
    response = _new_customer(staff_client, package=package("premium").pk)
    assert response.status_code == 200 and not Merchant.objects.filter(name="Kaffekoppen AB").exists()
    assert "quoted_monthly_price" in response.context["form"].errors


def test_a_bad_org_number_is_explained(staff_client):
    response = _new_customer(staff_client, org_number="55-12")
    assert "556677-8899" in str(response.context["form"].errors["org_number"])


def test_the_checklist_ticks_itself_from_credentials_training_and_by_hand(staff_client, merchant, staff_user):
    assert not any(item.done for item in checklist(merchant))
    ConnectionFactory(merchant=merchant)
    WorkLog.objects.create(
        merchant=merchant, worked_on=date(2026, 11, 2), minutes=90, description="Utbildning", category="training"
    )
    url = reverse("billing:staff_merchant_action", args=[merchant.pk, "tick"])
    assert staff_client.post(url, {"step": "flow", "done": "1"}).status_code == 404  # it ticks itself
    staff_client.post(url, {"step": "handover", "done": "1"})
    done = {item.step for item in checklist(merchant) if item.done}
    assert done == {"credentials", "training", "handover"}
    staff_client.post(url, {"step": "handover", "done": "0"})
    assert "handover" not in {item.step for item in checklist(merchant) if item.done}


def test_each_checklist_item_says_what_ticks_it_and_only_manual_ones_have_a_button(staff_client, merchant):
    body = staff_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).content.decode()
    items = re.findall(r'<li class="list-group-item[^>]*data-step="(\w+)".*?</li>', body, re.S)
    assert set(items) == {"credentials", "flow", "preflight", "first_order", "training", "handover"}
    for step, item in re.findall(r'data-step="(\w+)"(.*?)</li>', body, re.S):
        has_button = 'name="done"' in item
        assert has_button == (step == "handover"), step
        assert ("Bockas av själv" in item) == (step != "handover"), step


def test_logged_work_is_rounded_up_to_started_half_hours_and_drawn_from_the_balance(staff_client, merchant):
    HourPurchase.objects.create(
        merchant=merchant, kind="start_package", hours=3, price=4200, purchased_on=date(2026, 11, 1)
    )
    staff_client.post(
        reverse("billing:staff_merchant_action", args=[merchant.pk, "log-work"]),
        {
            "work-worked_on": "2026-11-03",
            "work-minutes": "35",
            "work-category": "configuration",
            "work-description": "Leveranssätt",
        },
    )
    assert WorkLog.objects.get().minutes == 60
    body = staff_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).content.decode()
    assert "2\u00a0h" in body


@pytest.mark.parametrize("minutes, rounded", [(1, 30), (30, 30), (31, 60), (60, 60), (61, 90)])
def test_minutes_round_up_to_started_half_hours(minutes, rounded):
    assert WorkLog.rounded(minutes) == rounded


def test_an_hour_pack_is_added_to_the_service_account(staff_client, merchant):
    pack = HourPack.objects.get(name="Timpaket 10 h")
    staff_client.post(
        reverse("billing:staff_merchant_action", args=[merchant.pk, "buy-hours"]),
        {"hours-hour_pack": pack.pk, "hours-purchased_on": "2026-11-05"},
    )
    purchase = HourPurchase.objects.get(merchant=merchant)
    assert (purchase.hours, purchase.price, purchase.hour_pack) == (10, 9500, pack)


def test_staff_change_the_package_from_a_date_and_cancel(staff_client, merchant):
    base = merchant.subscriptions.get()
    staff_client.post(
        reverse("billing:staff_merchant_action", args=[merchant.pk, "change-package"]),
        {
            "change-package": package("400").pk,
            "change-from_date": "2027-02-01",
            "change-extra_shops": "1",
            "confirm": "1",
        },
    )
    assert list(merchant.subscriptions.order_by("start_date").values_list("package__code", flat=True)) == ["200", "400"]
    base.refresh_from_db()
    assert base.end_date == date(2027, 1, 31)
    staff_client.post(
        reverse("billing:staff_merchant_action", args=[merchant.pk, "cancel"]),
        {"cancel-notice_on": "2027-03-10", "confirm": "1"},
    )
    assert merchant.subscriptions.get(package__code="400").end_date == date(2027, 4, 30)


def test_an_invalid_package_change_shows_the_rule_and_changes_nothing(staff_client, merchant):
    response = staff_client.post(
        reverse("billing:staff_merchant_action", args=[merchant.pk, "change-package"]),
        {"change-package": package("200").pk, "change-from_date": "2027-02-01", "change-extra_shops": "2"},
    )
    assert response.status_code == 400 and "multishop" in response.content.decode()
    assert merchant.subscriptions.count() == 1


def test_staff_open_a_merchants_page_as_the_merchant_sees_it_and_it_is_audited(staff_client, merchant, staff_user):
    response = staff_client.get(reverse("billing:merchant_home", args=[merchant.pk]))
    assert response.status_code == 200 and merchant.name in response.content.decode()
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == staff_user and entry.object_pk == str(merchant.pk)
    page = staff_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).content.decode()
    assert 'id="audit-trail"' in page and staff_user.username in page


def test_the_audit_trail_records_changes_without_secret_values(staff_client, merchant):
    connection = ConnectionFactory(merchant=merchant, specter_md5key="top-secret-md5")
    connection.specter_md5key = "another-secret"
    connection.name = "Nytt namn"
    connection.save()
    entries = LogEntry.objects.filter(additional_data__merchant=str(merchant.pk))
    dump = " ".join(str(e.changes) + str(e.additional_data) for e in entries)
    assert "Nytt namn" in dump
    assert "top-secret" not in dump and "another-secret" not in dump and "gAAAA" not in dump


@pytest.mark.parametrize("name", ["billing:staff_home", "billing:staff_new_customer"])
def test_staff_pages_are_refused_to_merchants_and_billing_admins_and_ask_anonymous_to_log_in(
    name, owner_client, billing_client, anonymous_client
):
    assert owner_client.get(reverse(name)).status_code == 403
    assert billing_client.get(reverse(name)).status_code == 403
    assert anonymous_client.get(reverse(name)).status_code == 302


def test_a_customer_page_is_refused_to_its_own_owner(owner_client, merchant):
    assert owner_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).status_code == 403
    assert (
        owner_client.post(
            reverse("billing:staff_merchant_action", args=[merchant.pk, "tick"]), {"step": "flow", "done": "1"}
        ).status_code
        == 403
    )


def test_the_merchant_sees_their_service_account_and_this_months_orders(owner_client, merchant):
    HourPurchase.objects.create(
        merchant=merchant, kind="start_package", hours=2, price=2200, purchased_on=date(2026, 11, 1)
    )
    body = owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).content.decode()
    assert 'id="balance"' in body and "2\u00a0h" in body and 'id="month-orders"' in body


def test_the_merchant_is_told_that_price_lists_are_matched_by_name(owner_client, merchant):
    body = owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).content.decode()
    entitlements = body[body.index('id="entitlements"') :]
    assert "Prislistor" in entitlements and "matchas mot butikens prislistor på namnet" in entitlements


def test_another_merchant_cannot_see_the_service_account(other_owner_client, merchant):
    assert other_owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).status_code == 404


def test_the_staff_list_finds_a_customer_by_org_number(staff_client):
    SubscriptionFactory(merchant__name="Sökbar AB", merchant__org_number="559988-7766")
    body = staff_client.get(reverse("billing:staff_home"), {"q": "559988"}).content.decode()
    assert "Sökbar AB" in body
