"""Settings changes reach the audit trail through django-auditlog (Connection is registered
without its secret fields); a replaced secret leaves an entry that says so, never its value."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

SECRET_FIELDS = {"md5key": "specter_md5key", "md5key2": "specter_md5key2", "client_secret": "starweb_client_secret"}


def record_secrets(request, connection, form) -> None:
    replaced = [model_field for form_field, model_field in SECRET_FIELDS.items() if form.cleaned_data.get(form_field)]
    if replaced:
        _entry(request, connection, {name: ["•••", "••• (replaced)"] for name in replaced})


def record_override(request, connection, previous_status: str, overridden: list[str]) -> None:
    """The owner activated although the pre-flight said orders would not go: who, when, and what."""
    _entry(
        request,
        connection,
        {"status": [previous_status, connection.status], "activated_anyway": ["", "; ".join(overridden)]},
    )


def _entry(request, connection, changes: dict) -> None:
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(connection),
        object_pk=str(connection.pk),
        object_repr=str(connection),
        action=LogEntry.Action.UPDATE,
        changes=changes,
        changes_text="",
        actor=request.user if request.user.is_authenticated else None,
        additional_data={"merchant": str(connection.merchant_id)},
    )


def record_stopped_choice(request, connection, waiting: int, sent: int | None) -> None:
    """On reactivation: whether the orders a deactivation stopped were sent (and how many), or
    left stopped, and who chose."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(connection),
        object_pk=str(connection.pk),
        object_repr=str(connection),
        action=LogEntry.Action.UPDATE,
        changes={"stopped orders": [f"{waiting} stopped", f"{sent} sent" if sent is not None else "left stopped"]},
        changes_text="",
        actor=request.user if request.user.is_authenticated else None,
        additional_data={"merchant": str(connection.merchant_id)},
    )
