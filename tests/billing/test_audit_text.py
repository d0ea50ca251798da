"""The audit trail in words: labels and values as the form shows them, no internal names."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from billing.audit_text import lines, record_event
from connections.models import Connection
from tests.connections.factories import ConnectionFactory


def entry(changes, action=LogEntry.Action.UPDATE):
    return LogEntry(
        content_type=ContentType.objects.get_for_model(Connection), object_pk="x", action=action, changes=changes
    )


@pytest.mark.django_db
def test_a_change_reads_with_the_fields_label_and_its_values_as_the_form_shows_them():
    with translation.override("en"):
        assert lines(entry({"ignore_control_email": ["False", "True"]})) == [
            "Ignore the e-mail check when a customer is created: No → Yes"
        ]
        assert lines(entry({"export_order": ["inactive", "registered"]}))[0].startswith("Export orders: Inactive → ")
        assert lines(entry({"status_on_transfer_id": ["None", "2"]})) == ["Set this Starweb status on transfer: – → 2"]
        assert lines(entry({"delivery_methods": ["{}", "{'1': 'PN', '3': 'BUTIK'}"]})) == [
            "Delivery method mapping: – → 1: PN; 3: BUTIK"
        ]
    with translation.override("sv"):
        assert lines(entry({"ignore_control_email": ["False", "True"]})) == [
            "Ignorera e-postkontroll när kund skapas: Nej → Ja"
        ]


@pytest.mark.django_db
def test_reverse_relations_ids_and_bookkeeping_never_reach_the_trail():
    noise = {
        "product_bindings": ["None", "syncflows.ProductBinding.None"],
        "id": ["None", "1"],
        "updated_at": ["a", "b"],
        "merchant": ["None", "1"],
        "credentials_failed_system": ["", "specter"],
    }
    assert lines(entry(noise, action=LogEntry.Action.UPDATE)) == []
    with translation.override("en"):
        assert lines(entry(noise, action=LogEntry.Action.CREATE)) == ["Created"]


@pytest.mark.django_db
def test_a_replaced_secret_says_replaced_and_nothing_of_its_value():
    with translation.override("en"):
        assert lines(entry({"specter_md5key": ["•••", "••• (replaced)"]})) == ["Specter md5key replaced"]


@pytest.mark.django_db
def test_an_event_is_recorded_with_who_and_worded_in_the_readers_language(django_user_model):
    user = django_user_model.objects.create_user("agare@example.se")
    connection = ConnectionFactory()
    recorded = record_event(connection, "pause", actor=user)
    assert recorded.actor == user and recorded.additional_data["merchant"] == str(connection.merchant_id)
    with translation.override("sv"):
        assert lines(recorded) == ["Pausade kopplingen"]
    with translation.override("en"):
        assert lines(recorded) == ["Paused the connection"]
