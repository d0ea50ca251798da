import hashlib

from django.db import migrations, models


def identity_hash(*parts) -> str:
    # As connections.credentials.identity_hash was when this migration was written.
    return hashlib.sha256("\x00".join(str(part or "").strip().rstrip("/") for part in parts).encode()).hexdigest()


def specter_identity(smb_id, api_user_id) -> str:
    # As connections.credentials.specter_identity was when this migration was written.
    api_user_id = str(api_user_id or "").strip().rstrip("/")
    return identity_hash(smb_id, api_user_id) if api_user_id else identity_hash(smb_id)


def bind_stored_keys(apps, schema_editor):
    """The keys stored so far: where the md5key is bound to the smbID beside it, both keys were
    entered for that smbID and the ApiUserId beside them. A key bound to anything else stays
    unbound, so it must be entered again."""
    Connection = apps.get_model("connections", "Connection")
    for row in Connection.objects.only("pk", "specter_smb_id", "specter_api_user_id", "specter_key_for").iterator():
        if row.specter_key_for == identity_hash(row.specter_smb_id):
            bound = specter_identity(row.specter_smb_id, row.specter_api_user_id)
            Connection.objects.filter(pk=row.pk).update(specter_key_for=bound, specter_key2_for=bound)


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0011_merge_20261201_1148"),
    ]

    operations = [
        migrations.AddField(
            model_name="connection",
            name="specter_key2_for",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(bind_stored_keys, migrations.RunPython.noop),
    ]
