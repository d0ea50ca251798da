"""The package catalogue of domain.md "Packages" (SEK, ex VAT). Premium is quoted per subscription.

Flows: package 100 is a one-way flow with the shop or the ERP in charge (#1, or #2 without stock and
order status); flow #3 (Combo) needs package 400 (seed 002). Order status and stock from 200, price
lists and multishop from 400, plugins from 800, a key account manager in Premium.
"""

from decimal import Decimal

# code, name, per month, installation, orders/month, flows, status, stock, price lists, multishop, plugins, KAM, binding months
CATALOGUE = [
    ("100", "Paket 100", "295", "2200", 100, [1, 2], False, False, False, False, False, False, 3),
    ("200", "Paket 200", "495", "4200", 200, [1, 2], True, True, False, False, False, False, 3),
    ("400", "Paket 400", "795", "6400", 400, [1, 2, 3], True, True, True, True, False, False, 3),
    ("800", "Paket 800", "1195", "8500", 800, [1, 2, 3], True, True, True, True, True, False, 3),
    ("premium", "Premium", None, None, None, [1, 2, 3], True, True, True, True, True, True, 12),
]


def catalogue_defaults(row, sort_order: int) -> dict:
    _code, name, monthly, install, orders, flows, status, stock, lists, multi, plugins, kam, binding = row
    return dict(
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
        sort_order=sort_order,
    )


def ensure_catalogue(package_model=None, **_signal_kwargs) -> None:
    """Create the catalogue's packages that are missing; never overwrite one a billing admin edited.

    Runs from the data migration and after every migrate or flush (a flushed test database gets
    its catalogue back). Packages are retired with `is_active`, not deleted.
    """
    if package_model is None:  # called as a post_migrate receiver: the current model
        from .models import Package as package_model
    for position, row in enumerate(CATALOGUE):
        package_model.objects.get_or_create(code=row[0], defaults=catalogue_defaults(row, position))
