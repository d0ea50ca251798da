"""The demo's Specter account: articles matching the demo shop (some with EAN, weight and buy
price), service articles, a SET article, and a reseller price list named as the demo shop's (price
lists are matched by name)."""

from decimal import Decimal

from .models import Account, Article, ListPrice, PriceList

ARTICLES = [
    # article_no, name, price ex VAT, VAT, stock, service, components
    ("TSHIRT-S", "T-shirt S", "159.20", 25, 40, False, []),
    ("TSHIRT-M", "T-shirt M", "159.20", 25, 40, False, []),
    ("TSHIRT-L", "T-shirt L", "159.20", 25, 40, False, []),
    ("MUGG-01", "Mugg", "79.20", 25, 100, False, []),
    ("BOK-01", "Kokbok", "188.68", 6, 25, False, []),
    ("KAFFE-500", "Kaffe 500 g", "71.43", 12, 200, False, []),
    ("PRESENTSET-01", "Presentset mugg + kaffe", "140.00", 25, 0, False, [["MUGG-01", 1], ["KAFFE-500", 1]]),
    ("FRAKT", "Frakt", "0", 25, 0, True, []),
    ("RABATT", "Rabatt", "0", 25, 0, True, []),
    ("PRESENTKORT", "Presentkort", "0", 0, 0, True, []),
    ("AVGIFT", "Avgift", "0", 25, 0, True, []),
    ("POSTFORSKOTT", "Postförskott", "0", 25, 0, True, []),
    ("Öresavrundning", "Öresavrundning", "0", 0, 0, True, []),
]

# article_no: (bar code, weight in kg, buy price): some articles carry their variant details, as
# Specter's article info reports them (specs/specter-api.md §3 #6); the others have none.
DETAILS = {"MUGG-01": ("7350000000101", "0.420", "28.00"), "KAFFE-500": ("7350000000118", "0.520", "38.50")}

# The id differs from the demo shop's pricelistId on purpose: only the name joins them.
PRICE_LISTS = [(3, "Återförsäljare", "SEK", "5")]
LIST_PRICES = [
    # price list id, article_no, from quantity, price ex VAT
    (3, "TSHIRT-S", 1, "127.20"),
    (3, "TSHIRT-M", 1, "127.20"),
    (3, "TSHIRT-L", 1, "127.20"),
    (3, "MUGG-01", 1, "63.20"),
    (3, "MUGG-01", 10, "55.00"),
]


def ensure_demo_account(smb_id: str = "1001", md5key: str = "demo-md5key") -> Account:
    account, _ = Account.objects.get_or_create(smb_id=smb_id, defaults={"md5key": md5key})
    for article_no, name, price, vat, stock, service, components in ARTICLES:
        bar_code, weight, buy_price = DETAILS.get(article_no, ("", None, None))
        Article.objects.get_or_create(
            account=account,
            article_no=article_no,
            defaults={
                "name": name,
                "price_ex_vat": Decimal(price),
                "vat_percent": vat,
                "stock": stock,
                "is_service": service,
                "components": components,
                "bar_code": bar_code,
                "weight_kg": weight and Decimal(weight),
                "buy_price": buy_price and Decimal(buy_price),
            },
        )
    for price_list_id, name, currency, group in PRICE_LISTS:
        PriceList.objects.get_or_create(
            account=account,
            price_list_id=price_list_id,
            defaults={"name": name, "currency": currency, "customer_group_id": group},
        )
    for price_list_id, article_no, from_quantity, price in LIST_PRICES:
        ListPrice.objects.get_or_create(
            price_list=account.price_lists.get(price_list_id=price_list_id),
            article_no=article_no,
            from_quantity=from_quantity,
            defaults={"price_ex_vat": Decimal(price)},
        )
    return account
