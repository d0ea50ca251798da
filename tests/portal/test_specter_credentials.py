"""The Specter step asks which kind of credentials the merchant has, in Specter's words, takes each
key write-only and verifies them with the simulated Specter; a second webshop on one Specter account
(multishop) needs API v2, and a v1 or one-key account is refused with that reason."""

import pytest

from connections.models import Connection
from tests.connections.factories import ConnectionFactory
from tests.portal.test_wizard import new_connection, simulators, step_url  # noqa: F401 (fixture)
from tests.syncflows.wiring import SPECTER_KINDS, specter_account_of_kind

pytestmark = pytest.mark.django_db(transaction=True)

POSTED = {
    "single": {"specter_key_kind": "single", "md5key": "demo-md5key"},
    "v1": {"specter_key_kind": "v1", "md5key": "demo-md5-key-1", "md5key2": "demo-md5-key-2"},
    "v2": {"specter_key_kind": "v2", "md5key": "demo-nyckel", "md5key2": "demo-nyckel2", "specter_api_user_id": "55"},
}


def test_the_step_asks_which_kind_in_specters_own_words(owner_client, merchant, simulators):
    connection = new_connection(owner_client, merchant)
    page = owner_client.get(step_url(connection, "specter")).content.decode()
    for words in ("API v2", "API v1", "ApiUserId", "Nyckel2", "MD5 Key 1", "MD5 Key 2", "md5key", "Inställningar"):
        assert words in page, words


@pytest.mark.parametrize("kind", ["single", "v1", "v2"])
def test_each_kind_is_verified_stored_encrypted_and_never_shown_again(owner_client, merchant, simulators, kind):
    specter_account_of_kind(kind)
    connection = new_connection(owner_client, merchant)
    response = owner_client.post(step_url(connection, "specter"), {"specter_smb_id": "1001", **POSTED[kind]})
    assert response.status_code == 302, response.content.decode()[:2000]
    connection.refresh_from_db()
    assert connection.specter_key_kind == kind
    assert connection.specter_md5key.reveal() == POSTED[kind]["md5key"]
    assert (connection.specter_md5key2.reveal() if connection.specter_md5key2 else "") == POSTED[kind].get(
        "md5key2", ""
    )
    page = owner_client.get(step_url(connection, "specter")).content.decode()
    for secret in ("demo-md5key", "demo-md5-key-1", "demo-md5-key-2", "demo-nyckel"):
        assert secret not in page


def test_a_v1_account_entered_as_one_md5key_is_refused_and_saves_nothing(owner_client, merchant, simulators):
    specter_account_of_kind("v1")
    connection = new_connection(owner_client, merchant)
    response = owner_client.post(
        step_url(connection, "specter"),
        {"specter_smb_id": "1001", "specter_key_kind": "single", "md5key": "demo-md5-key-1"},
    )
    assert response.status_code == 200 and "API v1" in response.content.decode()
    connection.refresh_from_db()
    assert connection.specter_md5key is None


@pytest.mark.parametrize(
    "posted, field",
    [
        ({"specter_key_kind": "v1", "md5key": "x"}, "md5key2"),
        ({"specter_key_kind": "v2", "md5key": "x", "md5key2": "y"}, "specter_api_user_id"),
        ({"specter_key_kind": "single", "md5key": "x", "md5key2": "y"}, "md5key2"),
        ({"specter_key_kind": "v1", "md5key": "x", "md5key2": "y", "specter_api_user_id": "55"}, "specter_api_user_id"),
    ],
)
def test_a_kind_missing_or_overfilled_says_which_value(owner_client, merchant, simulators, posted, field):
    connection = new_connection(owner_client, merchant)
    response = owner_client.post(step_url(connection, "specter"), {"specter_smb_id": "1001", **posted})
    assert response.status_code == 200 and field in response.context["form"].errors


@pytest.mark.parametrize("kind", ["v1", "single"])
def test_a_second_webshop_on_a_v1_or_one_key_account_is_refused_with_the_reason(
    owner_client, merchant, simulators, kind
):
    specter_account_of_kind(kind)
    ConnectionFactory(
        merchant=merchant,
        name="Första butiken",
        specter_smb_id="1001",
        status=Connection.Status.ACTIVE,
        order_number_prefix="A-",
        **SPECTER_KINDS[kind][1],
    )
    second = ConnectionFactory(merchant=merchant, name="Andra butiken", specter_smb_id="", specter_md5key=None)
    response = owner_client.post(
        step_url(second, "specter"), {"specter_smb_id": "1001", "order_number_prefix": "B-", **POSTED[kind]}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("specter_key_kind", []))
    assert "API v2" in errors and "multishop" in errors
    second.refresh_from_db()
    assert second.specter_md5key is None


def test_a_second_webshop_on_a_v2_account_is_taken(owner_client, merchant, simulators):
    specter_account_of_kind("v2")
    ConnectionFactory(
        merchant=merchant,
        specter_smb_id="1001",
        status=Connection.Status.ACTIVE,
        order_number_prefix="A-",
        **SPECTER_KINDS["v2"][1],
    )
    second = ConnectionFactory(merchant=merchant, specter_smb_id="", specter_md5key=None)
    response = owner_client.post(
        step_url(second, "specter"),
        {"specter_smb_id": "1001", "order_number_prefix": "B-", "specter_webshop_id": "2", **POSTED["v2"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_v2_webshop_beside_a_v1_one_on_the_same_account_names_the_one_to_change(owner_client, merchant, simulators):
    specter_account_of_kind("v2")
    ConnectionFactory(
        merchant=merchant,
        name="Gamla butiken",
        specter_smb_id="1001",
        status=Connection.Status.ACTIVE,
        order_number_prefix="A-",
        **SPECTER_KINDS["v1"][1],
    )
    second = ConnectionFactory(merchant=merchant, specter_smb_id="", specter_md5key=None)
    response = owner_client.post(
        step_url(second, "specter"), {"specter_smb_id": "1001", "order_number_prefix": "B-", **POSTED["v2"]}
    )
    assert response.status_code == 200 and "Gamla butiken" in " ".join(
        response.context["form"].errors["specter_key_kind"]
    )


@pytest.mark.parametrize("kinds, ok", [(("v2", "v2"), True), (("v2", "v1"), False), (("single", "single"), False)])
def test_the_check_before_activation_names_webshops_on_a_shared_account_without_api_v2(merchant, kinds, ok):
    from portal.preflight import _multishop

    first, second = (
        ConnectionFactory(
            merchant=merchant,
            name=f"Butik {n}",
            specter_smb_id="1001",
            status=Connection.Status.ACTIVE,
            **SPECTER_KINDS[kind][1],
        )
        for n, kind in enumerate(kinds)
    )
    [finding] = _multishop(first)
    assert finding.ok is ok and finding.fix_step == "specter"
    assert ("Butik 1" in finding.detail) is (kinds[1] != "v2")


def test_a_webshop_alone_on_its_specter_account_gets_no_multishop_check(merchant):
    from portal.preflight import _multishop

    assert _multishop(ConnectionFactory(merchant=merchant, specter_smb_id="1001", **SPECTER_KINDS["v1"][1])) == []
