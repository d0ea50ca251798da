# Settings named for what they do: "products changed after export" chose between create only and
# create and update, and keeps its values under its new name; "orders changed after export" was read
# by nothing (Specter has no call that updates an order) and goes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0012_seams_second_key_entered_for"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="connection",
            name="export_order_update",
        ),
        migrations.RenameField(
            model_name="connection",
            old_name="export_product_update",
            new_name="update_existing_articles",
        ),
        migrations.AlterField(
            model_name="connection",
            name="update_existing_articles",
            field=models.CharField(
                choices=[
                    ("direct", "Create new articles and update existing ones"),
                    ("inactive", "Create new articles only: leave existing ones as they are"),
                ],
                default="inactive",
                max_length=10,
                verbose_name="articles Specter already has",
            ),
        ),
    ]
