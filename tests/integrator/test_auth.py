"""Login through the real form (with django-axes throttling), logout, password change and reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.billing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_form_logs_the_owner_in_and_sends_them_home(client, owner, merchant):
    response = _login(client, owner.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("billing:merchant_home", args=[merchant.pk])


def test_a_wrong_password_shows_the_form_again(client, owner):
    response = _login(client, owner.username, "wrong")
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_username_from_that_address_even_with_the_right_password(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, owner.username, "wrong")
    response = _login(client, owner.username, PASSWORD)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    # The same user from another address, and another user from this address, still get in.
    assert _login(client, owner.username, PASSWORD, ip="10.9.9.9").status_code == 302


def test_logout_is_a_post_and_ends_the_session(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert owner_client.get(reverse("home")).status_code == 302  # back to login


def test_a_user_changes_their_password(client, owner):
    _login(client, owner.username, PASSWORD)
    new = "ett-helt-nytt-losenord-42"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password(new)


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, owner):
    client.post(reverse("password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session-held one
    new = "aterstallt-losenord-99"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password(new)


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.se"})
    assert response["Location"] == reverse("password_reset_done") and mail.outbox == []
