import hashlib

from django.db import migrations, models


def identity_hash(*parts) -> str:
    # As connections.credentials.identity_hash was when this migration was written.
    return hashlib.sha256("\x00".join(str(part or "").strip().rstrip("/") for part in parts).encode()).hexdigest()


def bind_stored_secrets(apps, schema_editor):
    """The secrets stored so far were entered for the address and account they sit beside."""
    Connection = apps.get_model("connections", "Connection")
    for row in Connection.objects.only("pk", "starweb_base_url", "starweb_client_id", "specter_smb_id").iterator():
        Connection.objects.filter(pk=row.pk).update(
            starweb_secret_for=identity_hash(row.starweb_base_url, row.starweb_client_id),
            specter_key_for=identity_hash(row.specter_smb_id),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0008_h13_a_token_fingerprint"),
    ]

    operations = [
        migrations.AddField(
            model_name="connection",
            name="specter_key_for",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="connection",
            name="starweb_secret_for",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(bind_stored_secrets, migrations.RunPython.noop),
    ]
