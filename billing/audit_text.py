"""The audit trail in words: each entry as lines a merchant reads, in their language.

A change shows the field's label and its values as the form shows them (choices by their label,
yes/no, mappings as "key: value"); fields without a label of their own (ids, timestamps, reverse
relations, bookkeeping) are left out. Events (activate, pause, retry, ignore …) are recorded with a
code and parameters in `additional_data` (record_event) and worded here.
"""

from __future__ import annotations

import ast
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENTS = {
    "activate": gettext_lazy("Activated the connection"),
    "activate_anyway": gettext_lazy("Activated the connection despite: %(finding)s"),
    "pause": gettext_lazy("Paused the connection"),
    "resume": gettext_lazy("Resumed the connection"),
    "deactivate": gettext_lazy("Deactivated the connection"),
    "retry": gettext_lazy("Retried order %(orders)s"),
    "export": gettext_lazy("Exported order %(order)s by hand"),
    "ignore": gettext_lazy("Ignored order %(order)s: %(reason)s"),
    "staff_access": gettext_lazy("Opened the merchant's pages as staff"),
    "operations_retry": gettext_lazy("Sent %(count)s orders again (%(reason)s) on %(connection)s"),
    "operations_ignore": gettext_lazy("Ignored %(count)s orders (%(reason)s) on %(connection)s"),
}
# Keys inside recorded mappings (the status rules), as the settings form labels them.
KEYS = {
    "status_id": gettext_lazy("status"),
    "email": gettext_lazy("e-mail the customer"),
    "tracking": gettext_lazy("with the tracking number"),
    "capture": gettext_lazy("capture the payment"),
    "partly_delivered": gettext_lazy("Partly delivered in Specter"),
    "delivered": gettext_lazy("Delivered in Specter"),
    "invoiced": gettext_lazy("Invoiced in Specter"),
    "paid": gettext_lazy("Paid in Specter"),
    "cancelled": gettext_lazy("Cancelled in Specter"),
}
NOTHING = "–"
SECRET = ("•••", "••• (replaced)")


def record_event(obj, event: str, *, actor=None, merchant_id=None, **params) -> LogEntry:
    """Record that `actor` did `event` (a key of EVENTS) to `obj`, with its parameters."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_repr=str(obj)[:200],
        action=LogEntry.Action.UPDATE,
        changes={},
        changes_text="",
        actor=actor,
        additional_data={
            "merchant": str(merchant_id or getattr(obj, "merchant_id", "")),
            "event": event,
            "params": params,
        },
    )


def lines(entry: LogEntry) -> list[str]:
    """The entry in words, one line per change (or the event's one line)."""
    extra = entry.additional_data or {}
    event = extra.get("event") if isinstance(extra, dict) else None
    if event in EVENTS:
        try:
            return [str(EVENTS[event]) % (extra.get("params") or {})]
        except (KeyError, TypeError, ValueError):
            return [str(EVENTS[event]).split(":")[0]]
    if entry.action == LogEntry.Action.ACCESS:
        return [str(EVENTS["staff_access"])]
    model = entry.content_type.model_class() if entry.content_type_id else None
    out = []
    for name, values in (entry.changes_dict or {}).items():
        field = _labelled_field(model, name)
        if field is None:
            continue
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        old, new = (list(values) + ["", ""])[:2]
        if (old, new) == SECRET or new == SECRET[1]:
            out.append(_("%(field)s replaced") % {"field": label})
            continue
        old, new = value_text(field, old), value_text(field, new)
        if old == new:
            continue
        out.append(f"{label}: {old} → {new}" if entry.action != LogEntry.Action.CREATE else f"{label}: {new}")
    if not out and entry.action == LogEntry.Action.CREATE:
        out.append(_("Created"))
    if not out and entry.action == LogEntry.Action.DELETE:
        out.append(_("Removed"))
    return out


def _labelled_field(model, name):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A label of its own marks a field people set; ids, timestamps and relations have none.
    if getattr(field, "_verbose_name", None) is None or field.auto_created or not field.concrete:
        return None
    return field


def value_text(field, raw) -> str:
    """A recorded value (auditlog keeps them as text) as the form shows it."""
    if raw is None or raw in ("None", "", "[]", "{}"):
        return NOTHING
    value = _parse(raw)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value) or NOTHING
        return labels.get(str(value), str(value))
    return _plain(value)


def _parse(raw):
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text in ("True", "False"):
        return text == "True"
    if text[:1] in "[{":
        for load in (json.loads, ast.literal_eval):
            try:
                return load(text)
            except (ValueError, SyntaxError):
                continue
    return raw


def _plain(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, dict):
        if all(isinstance(v, bool) for v in value.values()):  # flags: name the ones that are on
            return ", ".join(str(KEYS.get(k, k)) for k, v in value.items() if v) or NOTHING
        return "; ".join(f"{KEYS.get(k, k)}: {_plain(v)}" for k, v in value.items() if v not in (False, None, ""))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def subject(entry: LogEntry) -> str:
    """What the entry is about, by its kind ("Subscription"), never its stored repr (which is in
    the language and the words of the moment it was written)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    name = str(model._meta.verbose_name) if model is not None else ""
    return name[:1].upper() + name[1:]
