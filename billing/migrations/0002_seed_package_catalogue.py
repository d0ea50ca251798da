"""The package catalogue from domain.md "Packages" (SEK, ex VAT). Premium is quoted per subscription."""

from decimal import Decimal

from django.db import migrations

# Flows: package 100 is a one-way flow with the shop or the ERP in charge (#1 or #2 without stock,
# prices stay with products); flow #3 (Combo) needs package 400 (seed 002). Order status and stock
# from 200, price lists and multishop from 400, plugins from 800, a key account manager in Premium.
CATALOGUE = [
    # code, name, per month, installation, orders/month, flows, status, stock, price lists, multishop, plugins, KAM, binding
    ("100", "Paket 100", "295", "2200", 100, [1, 2], False, False, False, False, False, False, 3),
    ("200", "Paket 200", "495", "4200", 200, [1, 2], True, True, False, False, False, False, 3),
    ("400", "Paket 400", "795", "6400", 400, [1, 2, 3], True, True, True, True, False, False, 3),
    ("800", "Paket 800", "1195", "8500", 800, [1, 2, 3], True, True, True, True, True, False, 3),
    ("premium", "Premium", None, None, None, [1, 2, 3], True, True, True, True, True, True, 12),
]


def seed(apps, schema_editor):
    Package = apps.get_model("billing", "Package")
    for order, row in enumerate(CATALOGUE):
        code, name, monthly, install, orders, flows, status, stock, lists, multi, plugins, kam, binding = row
        Package.objects.update_or_create(
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
                sort_order=order,
            ),
        )


def unseed(apps, schema_editor):
    apps.get_model("billing", "Package").objects.filter(code__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
