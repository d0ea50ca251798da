"""Credentials at rest: encrypted, masked, rotatable, and failing closed under a wrong key."""

import pickle

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template

from connections import crypto
from connections.fields import Secret
from connections.models import Connection
from tests.connections.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def _raw_column(conn: Connection, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM connections_connection WHERE id = %s",
            [conn.pk.hex if connection.vendor == "sqlite" else conn.pk],
        )
        return cursor.fetchone()[0]


def test_a_saved_secret_is_stored_as_ciphertext_and_reads_back_as_the_plaintext():
    saved = ConnectionFactory(specter_md5key="hemlig-md5-nyckel")
    raw = _raw_column(saved, "specter_md5key")
    assert "hemlig" not in raw and raw.startswith("gAAAA")  # a Fernet token
    assert Connection.objects.get(pk=saved.pk).specter_md5key.reveal() == "hemlig-md5-nyckel"


def test_a_secret_prints_as_a_mask_everywhere():
    conn = Connection.objects.get(pk=ConnectionFactory(starweb_client_secret="client-secret-123").pk)
    secret = conn.starweb_client_secret
    rendered = Template("{{ c.starweb_client_secret }}").render(Context({"c": conn}))
    for text in (str(secret), repr(secret), f"{secret}", rendered, repr(conn.__dict__)):
        assert "client-secret-123" not in text
    assert Secret.MASK in rendered


def test_a_secret_refuses_to_be_pickled_into_a_task_argument():
    with pytest.raises(TypeError):
        pickle.dumps(Secret(plaintext="md5"))


def test_a_wrong_key_raises_and_never_returns_the_ciphertext(settings):
    saved = ConnectionFactory(specter_md5key="hemlig")
    token = _raw_column(saved, "specter_md5key")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    loaded = Connection.objects.get(pk=saved.pk)
    with pytest.raises(crypto.CredentialDecryptionError) as caught:
        loaded.specter_md5key.reveal()
    assert token not in str(caught.value) and caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_an_old_key_still_decrypts_after_a_new_key_is_put_first(settings):
    old = settings.CREDENTIALS_KEYS[0]
    saved = ConnectionFactory(specter_md5key="hemlig")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode(), old]
    assert Connection.objects.get(pk=saved.pk).specter_md5key.reveal() == "hemlig"


def test_rotation_re_encrypts_every_credential_so_the_old_key_can_go(settings):
    old, new = settings.CREDENTIALS_KEYS[0], Fernet.generate_key().decode()
    first, second = ConnectionFactory(specter_md5key="ett"), ConnectionFactory(starweb_client_secret="två")
    settings.CREDENTIALS_KEYS = [new, old]
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))
    settings.CREDENTIALS_KEYS = [new]
    assert Connection.objects.get(pk=first.pk).specter_md5key.reveal() == "ett"
    assert Connection.objects.get(pk=second.pk).starweb_client_secret.reveal() == "två"


def test_rotation_stops_with_an_error_when_no_key_opens_a_credential(settings):
    ConnectionFactory(specter_md5key="hemlig")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="could not be re-encrypted"):
        call_command("rotate_credentials")


def test_an_unchanged_secret_is_not_re_encrypted_on_save():
    saved = ConnectionFactory(specter_md5key="hemlig")
    before = _raw_column(saved, "specter_md5key")
    loaded = Connection.objects.get(pk=saved.pk)
    loaded.name = "nytt namn"
    loaded.save()
    assert _raw_column(saved, "specter_md5key") == before


def test_a_bad_key_is_reported_by_the_system_check_without_showing_it(settings):
    settings.CREDENTIALS_KEYS = ["definitely-not-a-key"]
    errors = [e for e in run_checks() if e.id == "connections.E001"]
    assert errors and "definitely-not-a-key" not in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_an_empty_value_means_not_set():
    saved = ConnectionFactory(specter_md5key="")
    assert Connection.objects.get(pk=saved.pk).specter_md5key is None


def test_a_secret_assigned_to_a_new_instance_is_masked_and_revealable_before_saving():
    conn = Connection(specter_md5key="ny-nyckel")
    assert isinstance(conn.specter_md5key, Secret) and conn.specter_md5key.reveal() == "ny-nyckel"
    assert "ny-nyckel" not in repr(conn.__dict__)
