"""The language a user chooses is remembered on their profile and applied wherever they log in."""

import pytest
from django.test import Client
from django.urls import reverse

from billing.models import Profile


@pytest.mark.django_db
def test_a_users_choice_of_english_follows_them_to_a_new_browser(owner, owner_client, merchant):
    home = reverse("billing:merchant_home", args=[merchant.pk])
    assert '<html lang="sv">' in owner_client.get(home).content.decode()
    owner_client.post(reverse("set_language"), {"language": "en", "next": home})
    assert Profile.objects.get(user=owner).language == "en"

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="sv")  # another device: no cookie, a Swedish browser
    elsewhere.force_login(owner)
    response = elsewhere.get(home)
    assert '<html lang="en">' in response.content.decode()
    assert response.cookies["django_language"].value == "en"  # and the cookie follows, for pages before login


@pytest.mark.django_db
def test_an_anonymous_choice_only_sets_the_cookie(anonymous_client):
    response = anonymous_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and not Profile.objects.exists()


@pytest.mark.django_db
def test_a_language_we_do_not_have_is_not_stored(owner, owner_client):
    owner_client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not Profile.objects.filter(user=owner).exists()
