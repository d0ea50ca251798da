"""Seed the package catalogue as domain.md "Packages" had it then (frozen: later changes come in later
migrations; billing/catalogue.py is the current source and also restores missing rows after migrate)."""

from decimal import Decimal

from django.db import migrations

ROWS = [
    ("100", "Paket 100", "295", "2200", 100, [1, 2], False, False, False, False, False, False, 3),
    ("200", "Paket 200", "495", "4200", 200, [1, 2], True, True, False, False, False, False, 3),
    ("400", "Paket 400", "795", "6400", 400, [1, 2, 3], True, True, True, True, False, False, 3),
    ("800", "Paket 800", "1195", "8500", 800, [1, 2, 3], True, True, True, True, True, False, 3),
    ("premium", "Premium", None, None, None, [1, 2, 3], True, True, True, True, True, True, 12),
]


def seed(apps, schema_editor):
    Package = apps.get_model("billing", "Package")
    for position, row in enumerate(ROWS):
        code, name, monthly, install, orders, flows, status, stock, lists, multi, plugins, kam, binding = row
        Package.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                monthly_price=Decimal(monthly) if monthly else None,
                installation_fee=Decimal(install) if install else None,
                orders_per_month=orders,
                flows=flows,
                order_status=status,
                stock=stock,
                price_lists=lists,
                multishop=multi,
                plugins=plugins,
                key_account_manager=kam,
                included_shops=1,
                extra_shop_monthly_price=Decimal("295"),
                binding_months=binding,
                notice_months=1,
                sort_order=position,
            ),
        )


def unseed(apps, schema_editor):
    apps.get_model("billing", "Package").objects.filter(code__in=[row[0] for row in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
