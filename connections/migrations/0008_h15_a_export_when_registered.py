"""Export order defaults to "when the order is registered": a merchant who accepts every default
gets orders in Specter. Connections still being set up that never chose are moved along; active
ones keep what their owner chose."""

from django.db import migrations, models


def draft_ones_export(apps, schema_editor):
    Connection = apps.get_model("connections", "Connection")
    Connection.objects.filter(status="draft", export_order="inactive").update(export_order="registered")


class Migration(migrations.Migration):
    dependencies = [("connections", "0007_stock_site_and_category")]

    operations = [
        migrations.AlterField(
            model_name="connection",
            name="export_order",
            field=models.CharField(
                choices=[
                    ("inactive", "Inactive"),
                    ("registered", "When the order is registered"),
                    ("manual", "Manual export"),
                ],
                default="registered",
                max_length=12,
                verbose_name="export orders",
            ),
        ),
        migrations.RunPython(draft_ones_export, migrations.RunPython.noop),
    ]
