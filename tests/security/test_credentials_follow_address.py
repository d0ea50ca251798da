"""Credentials stay with their address: a stored secret (or a token bought with it) never reaches an
address or account it was not entered for, as a plain HTTP server at the new address sees it.

Canary values: unique strings that must never appear in what the new address receives."""

import pytest
from django.urls import reverse
from django.utils import timezone

from connections.clients import specter_for
from connections.credentials import starweb_fingerprint
from connections.errors import AuthenticationFailed
from connections.models import Connection, StarwebToken
from connections.starweb import client as starweb_client
from connections.starweb.client import StarwebClient
from portal.forms import SpecterForm, StarwebForm
from tests.connections.factories import ConnectionFactory

from .http_recorder import recorder

CANARY_SECRET = "CANARY-sw-secret-4f1c9e"
CANARY_TOKEN = "CANARY-sw-token-8b2d7a"
CANARY_MD5KEY = "CANARY-md5key-61e0b3"


def fake_starweb(secret: str, token: str):
    """A Starweb shop that issues `token` for `secret` only and accepts only that token."""

    def answer(method, path, headers, body):
        if path.endswith("/token"):
            if f"client_secret={secret}" in body:
                return 200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
            return 400, {}, {"error": "invalid_client"}
        if headers.get("Authorization") != f"Bearer {token}":
            return 401, {}, {"error": "invalid_token"}
        if path.endswith("/shop"):
            return 200, {}, {"data": {"baseCurrency": "SEK", "name": "Butiken"}}
        return 200, {}, {"data": [], "meta": {"pagination": {"total": 0, "total_pages": 1}}}

    return answer


@pytest.fixture
def old_shop():
    server = recorder(fake_starweb(CANARY_SECRET, CANARY_TOKEN))
    yield server
    server.stop()


@pytest.fixture
def new_address():
    """Whoever answers at the address the merchant types next: takes any secret, records all."""
    server = recorder(fake_starweb("NEW-secret-entered-now", "NEW-token"))
    yield server
    server.stop()


@pytest.fixture
def stored(merchant, old_shop):
    """A connection saved with the old shop's address, the canary secret and a cached canary token."""
    url = f"{old_shop.url}/api/v2"
    connection = ConnectionFactory(
        merchant=merchant,
        status=Connection.Status.ACTIVE,
        flow=1,
        starweb_base_url=url,
        starweb_client_id="client-1",
        starweb_client_secret=CANARY_SECRET,
        specter_md5key=CANARY_MD5KEY,
    )
    StarwebToken.objects.create(
        connection=connection,
        access_token=CANARY_TOKEN,
        expires_at=timezone.now() + timezone.timedelta(hours=1),
        fingerprint=starweb_fingerprint(url, "client-1", CANARY_SECRET),
    )
    starweb_client._tokens.clear()
    StarwebClient(connection).shop()  # the token is in use: cached in this process as well as in the database
    assert len(old_shop.requests) == 1
    old_shop.requests.clear()
    return connection


def _no_canary(server):
    wire = server.wire()
    assert CANARY_SECRET not in wire and CANARY_TOKEN not in wire and CANARY_MD5KEY not in wire


def _starweb_form(connection, **data):
    return StarwebForm(
        {
            "starweb_base_url": connection.starweb_base_url,
            "starweb_client_id": connection.starweb_client_id,
            "client_secret": "",
            **data,
        },
        instance=connection,
    )


@pytest.mark.django_db
def test_a_new_address_with_the_secret_left_empty_asks_for_the_secret_and_sends_nothing(stored, new_address):
    form = _starweb_form(stored, starweb_base_url=f"{new_address.url}/api/v2")
    assert not form.is_valid()
    assert "client_secret" in form.errors
    assert new_address.requests == []
    _no_canary(new_address)


@pytest.mark.django_db
def test_a_new_client_id_with_the_secret_left_empty_asks_for_the_secret(stored, old_shop):
    form = _starweb_form(stored, starweb_client_id="client-2")
    assert not form.is_valid() and "client_secret" in form.errors
    assert old_shop.requests == []


@pytest.mark.django_db
def test_the_settings_page_keeps_the_stored_secret_away_from_a_new_address(stored, new_address, old_shop, owner_client):
    url = reverse("portal:settings_section", args=[stored.merchant_id, stored.pk, "starweb"])
    owner_client.post(
        url, {"starweb_base_url": f"{new_address.url}/api/v2", "starweb_client_id": "client-1", "client_secret": ""}
    )
    _no_canary(new_address)
    assert new_address.requests == []
    stored.refresh_from_db()
    assert stored.starweb_base_url == f"{old_shop.url}/api/v2"


@pytest.mark.django_db
def test_a_new_address_with_a_new_secret_gets_only_the_new_secret_and_the_old_token_is_dropped(stored, new_address):
    form = _starweb_form(stored, starweb_base_url=f"{new_address.url}/api/v2", client_secret="NEW-secret-entered-now")
    assert form.is_valid(), form.errors
    form.save()
    _no_canary(new_address)
    assert [seen.path for seen in new_address.requests] == ["/api/v2/token", "/api/v2/shop"]
    assert (
        not StarwebToken.objects.filter(connection=stored, access_token__isnull=False)
        .exclude(fingerprint=starweb_fingerprint(f"{new_address.url}/api/v2", "client-1", "NEW-secret-entered-now"))
        .exists()
    )
    StarwebClient(Connection.objects.get(pk=stored.pk)).shop()  # the saved connection talks to the new shop only
    _no_canary(new_address)


@pytest.mark.django_db
def test_the_check_takes_a_fresh_token_so_a_wrong_secret_is_refused_despite_a_cached_token(stored, old_shop):
    form = _starweb_form(stored, client_secret="a-wrong-secret")
    assert not form.is_valid()
    assert form.non_field_errors().data[0].code == "refused"
    assert [seen.path for seen in old_shop.requests] == ["/api/v2/token"]  # no request with the cached token
    assert CANARY_TOKEN not in old_shop.wire()


@pytest.mark.django_db
def test_the_check_with_the_stored_secret_at_the_same_address_still_takes_a_fresh_token(stored, old_shop):
    form = _starweb_form(stored)
    assert form.is_valid(), form.errors
    assert [seen.path for seen in old_shop.requests] == ["/api/v2/token", "/api/v2/shop"]


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["update", "save"])
def test_a_stored_secret_is_never_sent_to_an_address_set_on_the_row_without_it(stored, new_address, how):
    # The back office, a script, a future form: no re-entry rule ran, the stored secret stays put.
    if how == "update":
        Connection.objects.filter(pk=stored.pk).update(starweb_base_url=f"{new_address.url}/api/v2")
    else:
        stored.starweb_base_url = f"{new_address.url}/api/v2"
        stored.save()
    with pytest.raises(AuthenticationFailed):
        StarwebClient(Connection.objects.get(pk=stored.pk)).shop()
    assert new_address.requests == []
    _no_canary(new_address)


@pytest.mark.django_db
def test_a_secret_entered_again_for_the_new_address_is_used_there(stored, new_address):
    stored.starweb_base_url = f"{new_address.url}/api/v2"
    stored.starweb_client_secret = "NEW-secret-entered-now"
    stored.save()
    StarwebClient(Connection.objects.get(pk=stored.pk)).shop()
    assert [seen.path for seen in new_address.requests] == ["/api/v2/token", "/api/v2/shop"]
    _no_canary(new_address)


@pytest.mark.django_db
def test_specter_keys_are_never_used_for_an_smb_id_set_on_the_row_without_them(stored, specter):
    Connection.objects.filter(pk=stored.pk).update(specter_smb_id="99999")
    with pytest.raises(AuthenticationFailed):
        specter_for(Connection.objects.get(pk=stored.pk)).check_account()
    assert specter.requests == []


@pytest.mark.django_db
def test_a_cached_token_is_dropped_when_the_secret_changes(stored, old_shop):
    stored.starweb_client_secret = "a-rotated-secret"
    with pytest.raises(Exception):  # noqa: B017  (whatever the client makes of the refusal; the point is the requests)
        StarwebClient(stored).shop()  # the shop refuses the new secret; the old token is not tried
    assert [seen.path for seen in old_shop.requests] == ["/api/v2/token"]


@pytest.fixture
def specter(settings):
    server = recorder(lambda *_: (200, {"Content-Type": "text/plain; charset=iso-8859-1"}, "1;ok"))
    settings.SPECTER_API_URL = f"{server.url}/"
    yield server
    server.stop()


@pytest.mark.django_db
def test_a_new_specter_account_with_the_keys_left_empty_asks_for_them_and_sends_nothing(stored, specter):
    form = SpecterForm({"specter_smb_id": "99999", "md5key": ""}, instance=stored)
    assert not form.is_valid() and "md5key" in form.errors
    assert specter.requests == []


@pytest.mark.django_db
def test_the_same_specter_account_with_the_keys_left_empty_keeps_them(stored, specter):
    form = SpecterForm({"specter_smb_id": stored.specter_smb_id, "md5key": ""}, instance=stored)
    form.is_valid()
    assert "md5key" not in form.errors
    assert len(specter.requests) == 1 and CANARY_MD5KEY not in specter.wire()  # signed with it, never sent


def test_the_migration_binds_stored_secrets_exactly_as_the_model_does():
    import importlib

    from connections.credentials import identity_hash

    migration = importlib.import_module("connections.migrations.0009_h13_a_secrets_entered_for")
    for parts in (
        ("https://shop.starwebserver.se/api/v2", "client-1"),
        (" https://a.se/api/v2/ ", ""),
        ("1001",),
        ("",),
    ):
        assert migration.identity_hash(*parts) == identity_hash(*parts)
