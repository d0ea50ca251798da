"""The demo shop, and placing realistic orders in it (the demo, the tests and the staff page share this)."""

import random

from django.db import transaction

from . import generator, webhooks
from .models import Method, Order, OrderStatus, PriceList, Product, Shop

STATUSES = [
    (1, "created", "Ny", True),
    (2, "picking", "Plockas", False),
    (3, "completed", "Skickad", True),
    (4, "canceled", "Makulerad", True),
    (7, "", "Betald", False),
]
SHIPPING = [(1, "", "PostNord MyPack", "39.20"), (2, "", "DHL Service Point", "47.20"), (3, "", "Hämta i butik", "0")]
PAYMENT = [
    (1, "klarna", "Klarna", "0"),
    (2, "invoice", "Faktura", "23.20"),
    (3, "cashOnDelivery", "Postförskott", "39.20"),
    (4, "swish", "Swish", "0"),
]


def ensure_demo_shop(
    shop: str = "demobutiken",
    client_id: str = "demo-client",
    client_secret: str = "demo-client-secret",
    currency: str = "SEK",
) -> Shop:
    found, _ = Shop.objects.get_or_create(
        slug=shop,
        defaults={
            "name": "Demobutiken",
            "client_id": client_id,
            "client_secret": client_secret,
            "base_currency": currency,
        },
    )
    for status_id, code, name, email in STATUSES:
        OrderStatus.objects.get_or_create(
            shop=found, status_id=status_id, defaults={"id_code": code, "name": name, "should_send_email": email}
        )
    for kind, rows in ((Method.SHIPPING, SHIPPING), (Method.PAYMENT, PAYMENT)):
        for method_id, code, name, fee in rows:
            Method.objects.get_or_create(
                shop=found, kind=kind, method_id=method_id, defaults={"id_code": code, "name": name, "fee": fee}
            )
    PriceList.objects.get_or_create(shop=found, pricelist_id=1, defaults={"name": "Standard", "is_master": True})
    PriceList.objects.get_or_create(shop=found, pricelist_id=2, defaults={"name": "Återförsäljare"})
    if not found.products.exists():
        for product_id, (name, vat, variants) in enumerate(PRODUCTS, start=101):
            Product.objects.create(
                shop=found,
                product_id=product_id,
                data={
                    "defaultVatRate": str(vat),
                    "type": "basic",
                    "visibility": "visible",
                    "languages": [{"langCode": "sv", "name": name}],
                    "variants": [
                        {
                            "variantId": product_id * 10 + n,
                            "sku": sku,
                            "isActive": True,
                            "stocks": {"1": stock},
                            "prices": {"1": {"priceExVat": price}},
                        }
                        for n, (sku, price, stock) in enumerate(variants)
                    ],
                },
            )
    return found


# Name, VAT, [(sku, price ex VAT, stock)]: the same article numbers as the simulated Specter account.
PRODUCTS = [
    ("T-shirt", 25, [("TSHIRT-S", 159.2, 40), ("TSHIRT-M", 159.2, 40), ("TSHIRT-L", 159.2, 40)]),
    ("Mugg", 25, [("MUGG-01", 79.2, 100)]),
    ("Kokbok", 6, [("BOK-01", 188.68, 25)]),
    ("Kaffe 500 g", 12, [("KAFFE-500", 71.43, 200)]),
    ("Presentset mugg + kaffe", 25, [("PRESENTSET-01", 140.0, 0)]),
]


@transaction.atomic
def place_order(
    shop: Shop, *, seed: int | None = None, shipping_id: int | None = None, payment_id: int | None = None, **overrides
) -> Order:
    """A realistic order with a random (or the given) shipping and payment method; fires order-created hooks."""
    rng = random.Random(seed)
    locked = Shop.objects.select_for_update().get(pk=shop.pk)
    locked.next_order_id += 1
    locked.save(update_fields=["next_order_id"])
    shipping = rng.choice(list(shop.methods.filter(kind=Method.SHIPPING)))
    payment = rng.choice(list(shop.methods.filter(kind=Method.PAYMENT)))
    if shipping_id is not None:
        shipping = shop.methods.get(kind=Method.SHIPPING, method_id=shipping_id)
    if payment_id is not None:
        payment = shop.methods.get(kind=Method.PAYMENT, method_id=payment_id)
    data = generator.order(
        rng,
        order_id=locked.next_order_id,
        currency=shop.base_currency,
        shipping={"id": shipping.method_id, "name": shipping.name, "fee": shipping.fee},
        payment={
            "id": payment.method_id,
            "idCode": payment.id_code or "custom",
            "name": payment.name,
            "fee": payment.fee,
        },
    )
    data.update(overrides)
    created = Order.objects.create(shop=shop, order_id=locked.next_order_id, data=data)
    webhooks.order_event(shop, created, "order-created")
    return created


def add_products(shop: Shop, count: int, *, prefix: str = "ART", batch: int = 2000) -> int:
    """Add `count` simple products (one variant each, SKU <prefix>-<n>) in bulk: for tests and the
    catalogue benchmark. Returns the first new product id."""
    first = (shop.products.order_by("-product_id").values_list("product_id", flat=True).first() or 100) + 1
    for start in range(0, count, batch):
        Product.objects.bulk_create(
            [
                Product(
                    shop=shop,
                    product_id=first + n,
                    data={
                        "defaultVatRate": "25",
                        "type": "basic",
                        "visibility": "visible",
                        "languages": [{"langCode": "sv", "name": f"Produkt {first + n}"}],
                        "variants": [
                            {
                                "variantId": (first + n) * 10,
                                "sku": f"{prefix}-{first + n}",
                                "isActive": True,
                                "stocks": {"1": 5},
                                "prices": {"1": {"priceExVat": 100 + (first + n) % 50}},
                            }
                        ],
                    },
                )
                for n in range(start, min(count, start + batch))
            ]
        )
    return first
