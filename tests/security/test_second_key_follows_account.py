"""Specter's second key (MD5 Key 2 / Nyckel2) stays with the account it was entered for, as the
md5key does: another smbID or another ApiUserId needs the keys entered again, and until then no
request is signed with the stored ones, whatever path changed the row.

Canary values: unique strings that must never reach what the recorder sees."""

import pytest

from connections.clients import specter_for
from connections.errors import AuthenticationFailed
from connections.models import Connection
from portal.forms import SpecterForm
from tests.connections.factories import ConnectionFactory

from .test_credentials_follow_address import specter  # noqa: F401 (fixture)

CANARY_KEY = "CANARY-md5key-a93c01"
CANARY_KEY2 = "CANARY-md5key2-7e54d2"
Kind = Connection.SpecterKeyKind


@pytest.fixture
def v2(merchant):
    return ConnectionFactory(
        merchant=merchant,
        specter_smb_id="1001",
        specter_key_kind=Kind.V2,
        specter_api_user_id="77",
        specter_md5key=CANARY_KEY,
        specter_md5key2=CANARY_KEY2,
    )


def _reloaded(connection) -> Connection:
    return Connection.objects.get(pk=connection.pk)


def _form(connection, **data) -> SpecterForm:
    values = {
        "specter_smb_id": connection.specter_smb_id,
        "specter_key_kind": connection.specter_key_kind,
        "specter_api_user_id": connection.specter_api_user_id,
        "md5key": "",
        "md5key2": "",
    }
    return SpecterForm({**values, **data}, instance=connection)


@pytest.mark.django_db
def test_the_stored_keys_sign_for_the_account_they_were_entered_for(v2, specter):
    specter_for(_reloaded(v2)).check_account()
    assert len(specter.requests) == 1
    assert CANARY_KEY not in specter.wire() and CANARY_KEY2 not in specter.wire()  # signed with, never sent


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"specter_smb_id": "99999"}, {"specter_api_user_id": "78"}])
def test_an_account_or_api_user_set_on_the_row_without_the_keys_gets_no_signed_request(v2, specter, change):
    Connection.objects.filter(pk=v2.pk).update(**change)
    with pytest.raises(AuthenticationFailed):
        specter_for(_reloaded(v2)).check_account()
    assert specter.requests == []


@pytest.mark.django_db
def test_the_md5key_entered_again_for_another_account_does_not_carry_the_old_second_key_along(v2, specter):
    v2.specter_smb_id, v2.specter_md5key = "99999", "a-new-md5key"
    v2.save()  # as a script or the back office might: the second key is not entered again
    with pytest.raises(AuthenticationFailed):
        specter_for(_reloaded(v2)).check_account()
    assert specter.requests == []


@pytest.mark.django_db
def test_another_api_user_id_in_the_form_asks_for_both_keys_again_and_sends_nothing(v2, specter):
    form = _form(v2, specter_api_user_id="78")
    assert not form.is_valid() and "md5key" in form.errors and "md5key2" in form.errors
    assert "ApiUserId" in str(form.errors["md5key2"])
    assert specter.requests == []


@pytest.mark.django_db
def test_the_same_api_user_with_the_keys_left_empty_keeps_both(v2, specter):
    form = _form(v2)
    assert form.is_valid(), form.errors
    assert len(specter.requests) == 1 and CANARY_KEY2 not in specter.wire()


@pytest.mark.django_db
def test_both_keys_entered_again_for_the_new_api_user_sign_for_it(v2, specter):
    form = _form(v2, specter_api_user_id="78", md5key="new-key-1", md5key2="new-key-2")
    assert form.is_valid(), form.errors
    form.save()
    specter.requests.clear()
    connection = _reloaded(v2)
    assert connection.specter_md5key2.reveal() == "new-key-2"
    specter_for(connection).check_account()
    assert len(specter.requests) == 1


def test_the_migration_binds_stored_keys_exactly_as_the_model_does():
    import importlib
    from types import SimpleNamespace

    from connections.credentials import specter_identity

    migration = importlib.import_module("connections.migrations.0012_seams_second_key_entered_for")
    for smb_id, api_user_id in (("1001", ""), ("1001", "77"), (" 1001 ", " 77 "), ("", "")):
        row = SimpleNamespace(specter_smb_id=smb_id, specter_api_user_id=api_user_id)
        assert migration.specter_identity(smb_id, api_user_id) == specter_identity(row)
