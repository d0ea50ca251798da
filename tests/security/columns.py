"""PostgreSQL refuses a text longer than its column ("value too long"); SQLite stores it. Tests
on SQLite connect this guard so that every save is checked as PostgreSQL would check it."""

from contextlib import contextmanager

from django.db.models import CharField
from django.db.models.signals import pre_save


def _as_postgresql_would(sender, instance, raw=False, **kwargs):
    for field in sender._meta.concrete_fields:
        if isinstance(field, CharField) and field.max_length:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                raise AssertionError(
                    f"{sender.__name__}.{field.name}: {len(value)} characters into varchar({field.max_length})"
                )


@contextmanager
def lengths_checked_as_on_postgresql():
    pre_save.connect(_as_postgresql_would, dispatch_uid="security-column-lengths")
    try:
        yield
    finally:
        pre_save.disconnect(dispatch_uid="security-column-lengths")
