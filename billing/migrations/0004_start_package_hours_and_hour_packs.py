from decimal import Decimal

from django.db import migrations

START_HOURS = {"100": "2", "200": "3", "400": "4", "800": "4", "premium": "4"}
OVERAGE_PRICES = {"100": "2.95", "200": "2.48", "400": "1.99", "800": "1.49"}  # monthly price / quota
HOUR_PACKS = [("Timpaket 5 h", "5", "4950"), ("Timpaket 10 h", "10", "9500"), ("Timpaket 20 h", "20", "18000")]


def seed(apps, schema_editor):
    Package = apps.get_model("billing", "Package")
    for code, hours in START_HOURS.items():
        Package.objects.filter(code=code).update(start_package_hours=Decimal(hours))
    for code, price in OVERAGE_PRICES.items():
        Package.objects.filter(code=code, overage_price_per_order__isnull=True).update(
            overage_price_per_order=Decimal(price)
        )
    HourPack = apps.get_model("billing", "HourPack")
    if not HourPack.objects.exists():
        for name, hours, price in HOUR_PACKS:
            HourPack.objects.create(name=name, hours=Decimal(hours), price=Decimal(price))


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_service_account_usage_onboarding")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
