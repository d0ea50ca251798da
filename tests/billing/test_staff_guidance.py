"""Staff pages that say what to do: every change previewed before it is saved, the responsible
person per customer (required on Premium), the overdrawn service account billed and warned."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.invoice import invoice_preview
from billing.models import HourPurchase, WorkLog
from tests.billing.factories import MerchantFactory, SubscriptionFactory, UserFactory, package

pytestmark = pytest.mark.django_db


def _act(client, merchant, action, data):
    return client.post(reverse("billing:staff_merchant_action", args=[merchant.pk, action]), data)


def test_a_package_change_is_only_previewed_until_it_is_confirmed(staff_client, merchant):
    data = {"change-package": package("400").pk, "change-from_date": "2027-02-01", "change-extra_shops": "0"}
    response = _act(staff_client, merchant, "change-package", data)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="change-preview"' in body and "Bekräfta ändringen" in body
    assert merchant.subscriptions.count() == 1
    assert _act(staff_client, merchant, "change-package", {**data, "confirm": "1"}).status_code == 302
    assert merchant.subscriptions.count() == 2


def test_a_confirmation_for_another_choice_than_the_one_shown_shows_that_choice_first(staff_client, merchant):
    _act(
        staff_client,
        merchant,
        "change-package",
        {
            "change-package": package("800").pk,
            "change-from_date": "2027-05-01",
            "change-extra_shops": "0",
            "confirm": "1",
        },
    )
    data = {"change-package": package("400").pk, "change-from_date": "2027-02-01", "change-extra_shops": "0"}
    response = _act(
        staff_client, merchant, "change-package", {**data, "choice": "replace", "previewed": "keep", "confirm": "1"}
    )
    assert response.status_code == 200 and merchant.subscriptions.count() == 2
    _act(
        staff_client, merchant, "change-package", {**data, "choice": "replace", "previewed": "replace", "confirm": "1"}
    )
    assert sorted(merchant.subscriptions.values_list("package__code", flat=True)) == ["200", "400"]


def test_cancelling_shows_the_end_date_before_it_is_confirmed(staff_client, merchant):
    response = _act(staff_client, merchant, "cancel", {"cancel-notice_on": "2027-03-10"})
    assert "Abonnemanget slutar 2027-04-30." in response.content.decode().replace("\xa0", " ")
    assert merchant.subscriptions.get().end_date is None
    _act(staff_client, merchant, "cancel", {"cancel-notice_on": "2027-03-10", "confirm": "1"})
    assert merchant.subscriptions.get().end_date == date(2027, 4, 30)


def test_premium_needs_a_responsible_key_account_manager_and_the_merchant_sees_who(
    staff_client, staff_user, merchant, owner_client
):
    staff_user.first_name, staff_user.last_name = "Karin", "Kundansvarig"
    staff_user.save()
    data = {
        "change-package": package("premium").pk,
        "change-from_date": "2027-02-01",
        "change-extra_shops": "0",
        "change-quoted_monthly_price": "2 500",
        "change-quoted_orders_per_month": "2000",
        "confirm": "1",
    }
    response = _act(staff_client, merchant, "change-package", data)
    assert response.status_code == 400 and "kundansvarig" in response.content.decode()
    _act(staff_client, merchant, "responsible", {"responsible-responsible": staff_user.pk})
    merchant.refresh_from_db()
    assert merchant.responsible == staff_user
    assert _act(staff_client, merchant, "change-package", data).status_code == 302
    body = owner_client.get(reverse("billing:merchant_home", args=[merchant.pk])).content.decode()
    assert "Karin Kundansvarig" in body and f"mailto:{staff_user.email}" in body


def test_staff_lists_filter_by_the_responsible_person(staff_client, staff_user):
    mine = SubscriptionFactory(merchant=MerchantFactory(name="Min AB", responsible=staff_user)).merchant
    SubscriptionFactory(merchant=MerchantFactory(name="Annans AB", responsible=UserFactory(is_staff=True)))
    SubscriptionFactory(merchant=MerchantFactory(name="Ingens AB"))
    names = lambda **q: [m.name for m, _s, _e in staff_client.get(reverse("billing:staff_home"), q).context["rows"]]  # noqa: E731
    assert names(responsible="me") == [mine.name]
    assert names(responsible="none") == ["Ingens AB"]
    assert len(names()) == 3


def test_an_overdrawn_service_account_warns_and_its_hours_are_billed_on_the_invoice_preview(staff_client, merchant):
    month = date(2026, 12, 1)
    HourPurchase.objects.create(merchant=merchant, kind="start_package", hours=3, price=4200, purchased_on=month)
    WorkLog.objects.create(merchant=merchant, worked_on=month, minutes=270, description="Plugin", category="plugin")
    body = staff_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).content.decode().replace("\xa0", " ")
    assert 'id="balance-warning"' in body and "−1 h 30 min" in body
    invoice = invoice_preview(merchant, month)
    [hours] = [line for line in invoice.lines if line.key == "service_hours"]
    assert (
        hours.amount == Decimal("1650.00")
        and hours.text.replace("\xa0", " ") == "Timmar utöver servicekontot (1 h 30 min)"
    )
    # billed once: the next month starts from zero
    assert not [line for line in invoice_preview(merchant, date(2027, 1, 1)).lines if line.key == "service_hours"]


def test_the_invoice_preview_formats_money_and_the_chart_has_its_figures_as_a_table(billing_client, merchant):
    HourPurchase.objects.create(
        merchant=merchant, kind="start_package", hours=4, price=6400, purchased_on=date(2026, 12, 3)
    )
    body = billing_client.get(reverse("billing:invoice", args=[merchant.pk]), {"month": "2026-12"}).content.decode()
    text = body.replace("\xa0", " ")
    assert "6 400,00 kr" in text and "6,400,00" not in text and "Startpaket och installation (4 h)" in text
    assert 'id="usage-table"' in body and 'aria-describedby="usage-table"' in body


@pytest.mark.parametrize(
    "name, hours, shown", [("Timpaket 5 h", "5.00", "Timpaket 5 h"), ("Extra", "1.5", "Extra (1\xa0h 30\xa0min)")]
)
def test_an_hour_pack_names_its_hours_once_as_people_write_them(name, hours, shown):
    from billing.models import HourPack

    assert str(HourPack(name=name, hours=Decimal(hours), price=1)) == shown
