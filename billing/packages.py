"""The package catalogue of domain.md "Packages" (SEK, ex VAT) and the hour packs. Premium is quoted
per subscription. This is the current source; missing rows are restored after every migrate or
flush (flush emits post_migrate), and rows a billing admin edited are never overwritten.

Flows: package 100 is a one-way flow with the shop or the ERP in charge (#1, or #2 without stock and
order status); flow #3 (Combo) needs package 400 (seed 002). Order status and stock from 200, price
lists and multishop from 400, plugins from 800, a key account manager in Premium.

Our choices where the sources give no figure (billing admins can change them in the catalogue page):
start package hours (seed 002: "normally 2-4 h"), the hour packs' prices, and the price of an order
over the quota: the package's own price per order (monthly price / quota, rounded to the öre);
Premium has none (the quoted deal covers it).
"""

from decimal import Decimal

# code, name, per month, installation, orders/month, flows, status, stock, price lists, multishop,
# plugins, KAM, binding months, start package hours, price per order over the quota
CATALOGUE = [
    ("100", "Paket 100", "295", "2200", 100, [1, 2], False, False, False, False, False, False, 3, "2", "2.95"),
    ("200", "Paket 200", "495", "4200", 200, [1, 2], True, True, False, False, False, False, 3, "3", "2.48"),
    ("400", "Paket 400", "795", "6400", 400, [1, 2, 3], True, True, True, True, False, False, 3, "4", "1.99"),
    ("800", "Paket 800", "1195", "8500", 800, [1, 2, 3], True, True, True, True, True, False, 3, "4", "1.49"),
    ("premium", "Premium", None, None, None, [1, 2, 3], True, True, True, True, True, True, 12, "4", None),
]

# The ordinary hourly rate (SEK ex VAT): hours worked beyond the service account are billed at it.
HOURLY_RATE = Decimal("1100")

# name, hours, price: a discount on an ordinary hourly rate of 1 100 kr that grows with the pack.
HOUR_PACKS = [
    ("Timpaket 5 h", "5", "4950"),
    ("Timpaket 10 h", "10", "9500"),
    ("Timpaket 20 h", "20", "18000"),
]


def catalogue_defaults(row, sort_order: int) -> dict:
    _code, name, monthly, install, orders, flows, status, stock, lists, multi, plugins, kam, binding, hours, over = row
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
        start_package_hours=Decimal(hours),
        overage_price_per_order=Decimal(over) if over else None,
        sort_order=sort_order,
    )


def ensure_catalogue(package_model=None, hour_pack_model=None, **_signal_kwargs) -> None:
    """Create the packages and hour packs that are missing (idempotent)."""
    if package_model is None:  # called as a post_migrate receiver: the current models
        from .models import HourPack as hour_pack_model
        from .models import Package as package_model
    for position, row in enumerate(CATALOGUE):
        package_model.objects.get_or_create(code=row[0], defaults=catalogue_defaults(row, position))
    if hour_pack_model is not None and not hour_pack_model.objects.exists():
        for name, hours, price in HOUR_PACKS:
            hour_pack_model.objects.create(name=name, hours=Decimal(hours), price=Decimal(price))
