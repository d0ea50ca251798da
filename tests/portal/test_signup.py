"""Self-service sign-up: nothing exists until the e-mail's single-use link is opened; then the
customer is there exactly as staff would have created it, and the owner is in the wizard."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from billing.models import HourPurchase, Membership, Merchant, Package, Signup
from billing.orgnr import luhn_ok, normalise
from connections.models import Connection

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = {
        "company": "Nybutiken AB",
        "org_number": "556677-8899",
        "owner_name": "Nora Nilsson",
        "email": "nora@nybutiken.se",
        "password": "ett-langt-losenord-2026",
        "package": str(Package.objects.get(code="200").pk),
        "terms": "on",
    }
    return {**data, **changes}


def sign_up(client=None, **changes):
    ip = changes.pop("ip", "192.0.2.10")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes after commit
        return (client or Client()).post(reverse("portal:signup"), answers(**changes), REMOTE_ADDR=ip)


def link_in(message) -> str:
    return urlsplit(re.search(r"https?://\S+/signup/verify/\S+/", message.body)[0]).path


def test_the_org_number_needs_its_form_and_a_right_check_digit():
    assert luhn_ok("5566778899") and not luhn_ok("5566778898")
    assert normalise("5566778899") == "556677-8899"
    for bad, code in (("556677-8898", "checksum"), ("55667-78899", "format"), ("556677-88990", "format")):
        with pytest.raises(Exception) as raised:
            normalise(bad)
        assert raised.value.code == code
    response = sign_up(org_number="556677-8898")
    assert (
        response.status_code == 200
        and "check digit" in response.content.decode()
        or "kontrollsiffra" in response.content.decode()
    )
    assert not Signup.objects.exists()


def test_the_sign_up_page_shows_each_package_with_what_it_includes_and_the_mandatory_start_package():
    body = Client().get(reverse("portal:signup")).content.decode()
    for code in ("100", "200", "400", "800"):
        assert f'id="package-{code}"' in body
    assert 'id="package-premium"' not in body  # quoted: a talk with us
    assert body.count("Startpaket (obligatoriskt)") == 4 or body.count("Start package (mandatory)") == 4
    assert "4\xa0200,00\xa0kr" in body  # package 200's installation fee, in Swedish money


def test_nothing_is_created_until_the_link_is_opened_and_then_the_owner_is_in_the_wizard(settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    response = sign_up()
    assert response.status_code == 200 and "nora@nybutiken.se" in response.content.decode()
    assert not Merchant.objects.exists() and not get_user_model().objects.filter(username="nora@nybutiken.se").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@nybutiken.se"]
    link = link_in(mail.outbox[0])
    browser = Client()
    assert browser.get(link).status_code == 200 and not Merchant.objects.exists()  # a mail scanner's GET spends nothing
    response = browser.post(link)
    merchant = Merchant.objects.get(name="Nybutiken AB")
    connection = Connection.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:setup", args=[merchant.pk, connection.pk, "specter"])
    page = browser.get(response["Location"]).content.decode()
    assert 'id="what-comes-next"' in page
    owner = merchant.memberships.get(role=Membership.Role.OWNER).user
    assert (
        owner.check_password("ett-langt-losenord-2026") and owner.first_name == "Nora" and owner.last_name == "Nilsson"
    )
    subscription = merchant.subscriptions.get()
    assert subscription.package.code == "200" and subscription.start_date == timezone.localdate()
    start = merchant.hour_purchases.get(kind=HourPurchase.Kind.START_PACKAGE)
    assert (
        start.hours == subscription.package.start_package_hours and start.price == subscription.package.installation_fee
    )
    assert merchant.org_number == "556677-8899"


def test_the_link_works_once(settings):
    sign_up()
    link = link_in(mail.outbox[0])
    assert Client().post(link).status_code == 302
    again = Client().post(link)
    assert again.status_code == 400 and Merchant.objects.count() == 1
    assert Client().post("/signup/verify/not-a-token/").status_code == 400


def test_staff_see_the_new_customer_in_their_list_with_its_onboarding_checklist(staff_client):
    sign_up()
    Client().post(link_in(mail.outbox[0]))
    merchant = Merchant.objects.get(name="Nybutiken AB")
    assert "Nybutiken AB" in staff_client.get(reverse("billing:staff_home")).content.decode()
    page = staff_client.get(reverse("billing:staff_merchant", args=[merchant.pk])).content.decode()
    assert "Paket 200" in page and 'id="checklist"' in page and 'data-step="first_order"' in page


def test_an_e_mail_with_an_account_gets_a_note_instead_and_the_page_says_the_same(owner):
    response = sign_up(email=owner.email)
    assert response.status_code == 200 and owner.email in response.content.decode()
    assert (
        len(mail.outbox) == 1
        and "/signup/verify/" not in mail.outbox[0].body
        and "/accounts/login/" in mail.outbox[0].body
    )


def test_sign_ups_are_throttled_per_address_and_per_e_mail(settings):
    settings.SIGNUP_PER_IP_PER_HOUR, settings.SIGNUP_PER_EMAIL_PER_DAY = 3, 2
    for n in range(3):
        assert sign_up(email=f"n{n}@example.se", ip="198.51.100.1").status_code == 200
    assert sign_up(email="n9@example.se", ip="198.51.100.1").status_code == 429
    assert sign_up(email="same@example.se", ip="198.51.100.2").status_code == 200
    assert sign_up(email="same@example.se", ip="198.51.100.3").status_code == 200
    assert sign_up(email="SAME@example.se", ip="198.51.100.4").status_code == 429
    assert Signup.objects.count() == 5


def test_without_the_terms_accepted_nothing_is_recorded():
    data = answers()
    del data["terms"]
    assert Client().post(reverse("portal:signup"), data).status_code == 200
    assert not Signup.objects.exists() and not mail.outbox
