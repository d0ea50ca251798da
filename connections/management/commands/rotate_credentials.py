"""Re-encrypt every stored credential with the newest key of CREDENTIALS_KEYS (key rotation)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from connections import crypto
from connections.fields import EncryptedTextField, Secret


def encrypted_fields():
    """(model, field names) for every model with an EncryptedTextField."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt all credentials with the first key of CREDENTIALS_KEYS. Stops at the first that no key opens."

    def handle(self, *args, **options):
        total = 0
        for model, names in encrypted_fields():
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model._default_manager.filter(pk=pk).values(*names).select_for_update().get()
                    try:
                        # Token to token: the plaintext is never held longer than rotate() needs it.
                        updates = {n: Secret(token=crypto.rotate(v.token())) for n, v in row.items() if v is not None}
                    except crypto.CredentialDecryptionError as exc:
                        raise CommandError(f"{model._meta.label} {pk}: {exc}") from None
                    if updates:
                        model._default_manager.filter(pk=pk).update(**updates)
                        total += len(updates)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} credential(s) with the newest key."))
