"""Realistic Swedish orders for the simulated shop, deterministic for a seed.

Persons and companies with valid personnummer/org.nr (Luhn), VAT 25/12/6 %, variants, a SET
article, row discounts, discount codes, gift cards, shipping, payment fees and cash on delivery,
written the way specs/starweb-api.md §11 says Starweb writes them, with amountToPay the sum of each
line's amount including VAT rounded half up to the öre. (The simulator is the outside world: this
arithmetic is written here again, not imported from our code.)
"""

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")

# sku, description, price ex VAT, VAT %: the demo catalogue (same article numbers as simulated Specter)
CATALOGUE = [
    ("TSHIRT-S", "T-shirt, storlek S", Decimal("159.20"), 25),
    ("TSHIRT-M", "T-shirt, storlek M", Decimal("159.20"), 25),
    ("TSHIRT-L", "T-shirt, storlek L", Decimal("159.20"), 25),
    ("MUGG-01", "Mugg", Decimal("79.20"), 25),
    ("BOK-01", "Kokbok", Decimal("188.68"), 6),
    ("KAFFE-500", "Kaffe 500 g", Decimal("71.43"), 12),
    ("PRESENTSET-01", "Presentset mugg + kaffe", Decimal("140.00"), 25),
]
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Åsa", "Björn", "Ingrid", "Örjan"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Öberg", "Lindström"]
COMPANIES = ["Kafé Hörnan AB", "Byggmästarn i Umeå AB", "Smörgåsbolaget AB", "Fjällgården HB"]
CITIES = [
    ("Stockholm", "111 22"),
    ("Göteborg", "411 05"),
    ("Malmö", "211 20"),
    ("Umeå", "903 26"),
    ("Västerås", "722 12"),
]


def luhn_digit(digits: str) -> str:
    total = 0
    for n, ch in enumerate(digits):
        d = int(ch) * (2 if n % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(rng: random.Random) -> str:
    born = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
    body = born.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"
    return f"{born.year // 100}{body[:6]}-{body[6:]}{luhn_digit(body)}"


def org_number(rng: random.Random) -> str:
    body = f"55{rng.randint(0, 9999999):07d}"
    return f"{body[:6]}-{body[6:]}{luhn_digit(body)}"


def line_total(amount_ex_vat: Decimal, vat: Decimal) -> Decimal:
    return (amount_ex_vat * (1 + vat / 100)).quantize(ORE, rounding=ROUND_HALF_UP)


def _item(item_id, sku, description, quantity, unit_price, vat, discount=Decimal(0), discount_type="percent"):
    return {
        "itemId": item_id,
        "sku": sku,
        "description": description,
        "quantity": quantity,
        "unitSymbol": "st",
        "unitPrice": float(unit_price),
        "vatRate": float(vat),
        "discount": float(discount),
        "discountType": discount_type,
        "sortIndex": item_id,
    }


def _item_total(item) -> Decimal:
    gross = Decimal(str(item["quantity"])) * Decimal(str(item["unitPrice"]))
    discount = Decimal(str(item["discount"]))
    net = gross - discount if item["discountType"] == "amount" else gross * (1 - discount / 100)
    return line_total(net, Decimal(str(item["vatRate"])))


def order(
    rng: random.Random,
    *,
    order_id: int,
    shipping: dict,
    payment: dict,
    currency: str = "SEK",
    created_at: str = "",
    status_id: int = 1,
) -> dict:
    """One order as the API returns it (`include=items,addresses,customer`)."""
    company = rng.random() < 0.3
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, postal = rng.choice(CITIES)
    address = {
        "firstName": first,
        "lastName": last,
        "address": f"{rng.choice(['Storgatan', 'Kungsvägen', 'Åsgränd'])} {rng.randint(1, 80)}",
        "postalCode": postal,
        "city": city,
        "countryCode": "SE",
        "phoneNo": f"070{rng.randint(1000000, 9999999)}",
    }
    if company:
        address["companyName"] = rng.choice(COMPANIES)
    items, n = [], 0
    for sku, description, price, vat in rng.sample(CATALOGUE, rng.randint(1, 4)):
        n += 1
        kind = rng.choice(["none", "none", "percent", "amount"])
        quantity = rng.randint(1, 3)
        discount = {
            "none": Decimal(0),
            "percent": Decimal(rng.choice([10, 15, 20])),
            "amount": (price * quantity / 10).quantize(ORE),
        }[kind]
        items.append(
            _item(n, sku, description, quantity, price, vat, discount, "amount" if kind == "amount" else "percent")
        )
    code = ""
    if rng.random() < 0.3:  # a discount code: one negative row per VAT rate (§11)
        code, percent = "SOMMAR10", Decimal(10)
        for vat in sorted({Decimal(str(i["vatRate"])) for i in items}):
            base = sum(_item_total(i) for i in items if Decimal(str(i["vatRate"])) == vat) / (1 + vat / 100)
            n += 1
            items.append(_item(n, "", f"Rabattkod {code}", 1, -(base * percent / 100).quantize(Decimal("0.0001")), vat))
    shipping_cost, payment_fee = Decimal(str(shipping["fee"])), Decimal(str(payment["fee"]))
    if rng.random() < 0.15:  # a gift card pays at most what the order costs, as a shop lets it
        n += 1
        card_no, card = rng.randint(1000, 9999), Decimal(rng.choice([100, 200]))
        due = (
            sum((_item_total(i) for i in items), Decimal(0))
            + line_total(shipping_cost, Decimal(25))
            + line_total(payment_fee, Decimal(25))
        )
        items.append(_item(n, "", f"Presentkort {card_no}", 1, -min(card, due), 0))
    lines = [_item_total(i) for i in items] + [
        line_total(shipping_cost, Decimal(25)),
        line_total(payment_fee, Decimal(25)),
    ]
    amount_to_pay = sum(lines, Decimal("0"))
    total_ex = (
        sum((Decimal(str(i["quantity"])) * Decimal(str(i["unitPrice"])) for i in items), Decimal(0))
        + shipping_cost
        + payment_fee
    )
    data = {
        "orderId": order_id,
        "statusId": status_id,
        "isComplete": True,
        "langCode": "sv",
        "baseCurrencyCode": currency,
        "currencyCode": currency,
        "shopCountryCode": "SE",
        "currencyExchangeRate": 1.0,
        "currencyPrecision": 2,
        "totalAmount": float(total_ex.quantize(ORE)),
        "totalVat": float((amount_to_pay - total_ex).quantize(ORE)),
        "amountToPay": float(amount_to_pay),
        "amountPaid": 0,
        "paymentMethodId": payment["id"],
        "paymentMethodIdCode": payment["idCode"],
        "paymentMethodName": payment["name"],
        "paymentFee": float(payment_fee),
        "paymentVatRate": 25.0,
        "paymentReference": f"ref-{order_id}",
        "shippingMethodId": shipping["id"],
        "shippingMethodName": shipping["name"],
        "shippingCost": float(shipping_cost),
        "shippingVatRate": 25.0,
        "originalCustomerEmail": f"{first.lower()}.{last.lower()}@example.se".replace("å", "a")
        .replace("ö", "o")
        .replace("ä", "a"),
        "originalCustomerNationalIdNo": org_number(rng) if company else personnummer(rng),
        "items": {"data": items},
        "addresses": {
            "data": {
                "originalInvoice": address,
                "originalDelivery": address,
                "customerInvoice": address,
                "customerDelivery": address,
            }
        },
        "customer": {"data": {"customerId": order_id, "type": "company" if company else "person"}},
    }
    if code:
        data["discountCode"] = code
    if created_at:
        data["createdAt"] = data["modifiedAt"] = created_at
    return data
