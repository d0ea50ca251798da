"""Every kind of Specter credentials (specs/specter-api.md §2.2, §2.3, §10.2): API v1 (MD5 Key 1 and
2), API v2 (ApiUserKey, IntegrationKey, ApiUserId on every request) and the one md5key; signed over
Latin-1, checked against digests worked out by hand and against the simulated Specter over HTTP."""

import hashlib

import pytest

from connections.clients import specter_credentials
from connections.errors import AuthenticationFailed
from connections.specter.client import SpecterClient, SpecterRefused
from connections.specter.signature import Credentials, IncompleteCredentials, customer_subject, sign
from simulator.models import CallLog
from simulator.specter.models import Customer
from tests.connections.factories import ConnectionFactory
from tests.connections.specter.test_client_against_simulator import order, person
from tests.syncflows.wiring import SPECTER_KINDS, specter_account_of_kind

# Worked out with the shell, not Python, from the spec's formula (§2.3), for customer "Åsa Öberg":
#   inner=$(printf '%s' 'k1-secret1001Åsa Öberg' | iconv -f utf-8 -t latin1 | md5sum)   # 64ecba36…
#   printf '%s' "k2-secret$inner" | md5sum                                             # 94826b16…
INNER_LATIN_1 = "64ecba368aa0d8c243e9eb8d655ccfe6"
TWO_KEYS_LATIN_1 = "94826b16e4c9f98e32e287a8d90784db"
INNER_UTF_8 = "b0e61ce7bb1384ca13e1f538906e5d0c"  # what a UTF-8 reading would sign: wrong


def md5(text: str) -> str:
    return hashlib.md5(text.encode("latin-1")).hexdigest()


ASA = {"customerOrganizationalForm": "P", "firstName": "Åsa", "surName": "Öberg"}


def test_a_v1_signature_of_a_swedish_name_is_the_known_latin_1_digest():
    creds = Credentials("1001", "k1-secret", "k2-secret", kind="v1")
    assert sign(creds, customer_subject(ASA)) == TWO_KEYS_LATIN_1
    assert md5("k2-secret" + md5("k1-secret1001Åsa Öberg")) == TWO_KEYS_LATIN_1


def test_a_v2_signature_is_integration_key_over_api_user_key():
    creds = Credentials("1001", "k1-secret", "k2-secret", "55", kind="v2")  # ApiUserKey, IntegrationKey, ApiUserId
    assert sign(creds, "Åsa Öberg") == TWO_KEYS_LATIN_1 and creds.sends_api_user_id


def test_a_single_md5key_signs_once_and_never_as_utf_8():
    creds = Credentials("1001", "k1-secret", kind="single")
    assert sign(creds, "Åsa Öberg") == INNER_LATIN_1 != INNER_UTF_8
    assert not creds.sends_api_user_id


@pytest.mark.parametrize(
    "values, kind",
    [
        (("1001", "a"), "single"),
        (("1001", "a", "b"), "v1"),
        (("1001", "a", "b", "55"), "v2"),
    ],
)
def test_without_a_kind_the_values_given_make_it(values, kind):
    assert Credentials(*values).kind == kind


@pytest.mark.parametrize(
    "values",
    [
        dict(smb_id="1", key1="hemlig-ett", kind="v1"),  # no MD5 Key 2
        dict(smb_id="1", key1="hemlig-ett", key2="hemlig-tva", kind="v2"),  # no ApiUserId
        dict(smb_id="1", key1="hemlig-ett", key2="hemlig-tva", kind="single"),  # one key has no second
        dict(smb_id="1", key1="hemlig-ett", kind="v3"),
    ],
)
def test_credentials_missing_what_their_kind_needs_are_refused_without_showing_a_key(values):
    with pytest.raises(IncompleteCredentials) as caught:
        Credentials(**values)
    assert "hemlig" not in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["single", "v1", "v2"])
def test_a_connection_gives_the_credentials_of_its_kind(kind):
    connection = ConnectionFactory(specter_smb_id="1001", **SPECTER_KINDS[kind][1])
    creds = specter_credentials(connection)
    assert (creds.kind, creds.key2 != "", creds.api_user_id) == (kind, kind != "single", "55" if kind == "v2" else "")


@pytest.mark.django_db
def test_a_connection_stored_with_one_md5key_before_the_kinds_signs_as_before():
    import importlib

    from django.apps import apps

    connection = ConnectionFactory(specter_md5key="gammal-nyckel")
    assert connection.specter_key_kind == ""
    assert specter_credentials(connection).kind == "single"
    migration = importlib.import_module("connections.migrations.0008_h12_wire_specter_key_kinds")
    migration.one_key_as_before(apps, None)
    connection.refresh_from_db()
    assert connection.specter_key_kind == "single"


@pytest.mark.django_db
def test_rotation_re_encrypts_the_second_key_too(settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from connections.models import Connection

    old, new = settings.CREDENTIALS_KEYS[0], Fernet.generate_key().decode()
    saved = ConnectionFactory(**SPECTER_KINDS["v2"][1])
    settings.CREDENTIALS_KEYS = [new, old]
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))
    settings.CREDENTIALS_KEYS = [new]
    loaded = Connection.objects.get(pk=saved.pk)
    assert (loaded.specter_md5key.reveal(), loaded.specter_md5key2.reveal()) == ("demo-nyckel", "demo-nyckel2")


# -- against the simulated Specter ----------------------------------------------------------------


def client_of(kind, live_server) -> SpecterClient:
    fields = SPECTER_KINDS[kind][1]
    creds = Credentials(
        "1001", fields["specter_md5key"], fields.get("specter_md5key2", ""), fields.get("specter_api_user_id", ""), kind
    )
    return SpecterClient(creds, base_url=live_server.url + "/sim/specter/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["single", "v1", "v2"])
def test_each_kind_verifies_and_sends_an_order_for_a_customer_with_swedish_letters(kind, live_server):
    specter_account_of_kind(kind)
    client = client_of(kind, live_server)
    client.check_account()
    customer_no = client.submit_customer(person(email="asa@example.se", firstName="Åsa", surName="Öberg"))
    assert Customer.objects.get(customer_no=customer_no).name == "Åsa Öberg"
    assert client.submit_order(customer_no, order(f"WS-{kind}"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("account_kind, client_kind", [("v1", "single"), ("v2", "v1"), ("single", "v1")])
def test_credentials_of_another_kind_than_the_accounts_are_refused(account_kind, client_kind, live_server):
    specter_account_of_kind(account_kind)
    fields = SPECTER_KINDS[account_kind][1]  # the right keys, signed as the wrong kind
    key2 = fields.get("specter_md5key2") or "demo-md5-key-2"
    creds = Credentials("1001", fields["specter_md5key"], key2 if client_kind != "single" else "", "", client_kind)
    with pytest.raises(AuthenticationFailed):
        SpecterClient(creds, base_url=live_server.url + "/sim/specter/").check_account()


@pytest.mark.django_db(transaction=True)
def test_a_v2_account_refuses_a_request_without_its_api_user_id(live_server):
    specter_account_of_kind("v2")
    # v1 credentials carrying the v2 keys: the signature is right, but no apiUserId goes with it
    creds = Credentials("1001", "demo-nyckel", "demo-nyckel2", kind="v1")
    with pytest.raises(AuthenticationFailed):
        SpecterClient(creds, base_url=live_server.url + "/sim/specter/").check_account()
    client_of("v2", live_server).check_account()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind, refused", [("v1", True), ("single", True), ("v2", False)])
def test_only_a_v2_account_takes_an_order_for_a_second_webshop(kind, refused, live_server):
    specter_account_of_kind(kind)
    client = client_of(kind, live_server)
    customer_no = client.submit_customer(person())
    if refused:
        with pytest.raises(SpecterRefused, match="v2"):
            client.submit_order(customer_no, {**order("WS-77"), "webshopId": "2"})
    else:
        assert client.submit_order(customer_no, {**order("WS-77"), "webshopId": "2"})
    assert CallLog.objects.filter(system="specter", operation="newordersubmit").count() == 1


@pytest.mark.django_db
def test_stored_credentials_missing_their_second_key_ask_for_them_again_like_a_refusal():
    from connections.clients import specter_for

    connection = ConnectionFactory(specter_key_kind="v1", specter_md5key="k1")  # MD5 Key 2 never stored
    with pytest.raises(AuthenticationFailed, match="second key") as caught:
        specter_for(connection)
    assert "k1" not in str(caught.value)
