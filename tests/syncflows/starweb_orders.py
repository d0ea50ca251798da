"""Starweb order JSON for tests, built the way specs/starweb-api.md §11 says Starweb builds it:
amountToPay is the sum of each line's amount including VAT rounded to the öre."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

from connections.starweb.types import line_total

VAT_RATES = [Decimal(25), Decimal(12), Decimal(6)]


def item(sku, qty, unit_price, vat=25, description=None, discount="0", discount_type="percent"):
    return {
        "sku": sku,
        "description": description or f"Artikel {sku}",
        "quantity": str(qty),
        "unitPrice": str(unit_price),
        "vatRate": str(vat),
        "discount": str(discount),
        "discountType": discount_type,
    }


def order_json(
    items,
    *,
    shipping=("1", "PostNord", "39.2", "25"),
    payment=("2", "invoice", "Faktura", "0", "25"),
    discount_code="",
    currency="SEK",
    company=False,
    **extra,
):
    """An order's `data` object with amountToPay computed as Starweb does."""
    ship_id, ship_name, ship_cost, ship_vat = shipping
    pay_id, pay_code, pay_name, pay_fee, pay_vat = payment
    lines = [_item_total(i) for i in items]
    lines.append(line_total(Decimal(ship_cost), Decimal(ship_vat)))
    lines.append(line_total(Decimal(pay_fee), Decimal(pay_vat)))
    address = {
        "firstName": "Anna",
        "lastName": "Svensson",
        "address": "Storgatan 1",
        "postalCode": "111 22",
        "city": "Stockholm",
        "countryCode": "SE",
        "phoneNo": "0701234567",
    }
    if company:
        address["companyName"] = "Exempel AB"
    data = {
        "orderId": extra.pop("orderId", 1001),
        "statusId": 1,
        "langCode": "sv",
        "currencyCode": currency,
        "baseCurrencyCode": currency,
        "amountToPay": str(sum(lines, Decimal("0"))),
        "paymentMethodId": pay_id,
        "paymentMethodIdCode": pay_code,
        "paymentMethodName": pay_name,
        "paymentFee": pay_fee,
        "paymentVatRate": pay_vat,
        "paymentReference": "klarna-123",
        "shippingMethodId": ship_id,
        "shippingMethodName": ship_name,
        "shippingCost": ship_cost,
        "shippingVatRate": ship_vat,
        "discountCode": discount_code,
        "originalCustomerEmail": "Anna@Example.se",
        "originalCustomerNationalIdNo": "556677-8899" if company else "19800101-1234",
        "items": {"data": items},
        "addresses": {"data": {"originalInvoice": address, "originalDelivery": address}},
        "customer": {"data": {"type": "company" if company else "person"}},
    }
    data.update(extra)
    return data


def _item_total(i):
    qty, price, vat, discount = (Decimal(i[k]) for k in ("quantity", "unitPrice", "vatRate", "discount"))
    gross = qty * price
    net = gross - discount if i["discountType"] == "amount" else gross * (1 - discount / 100)
    return line_total(net, vat)


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("4000"), places=4)


@st.composite
def orders(draw):
    """Random realistic orders: several VAT rates, row discounts, a discount code spread per VAT
    rate, shipping, a payment fee or cash on delivery, sometimes a gift card."""
    items = []
    for n in range(draw(st.integers(1, 6))):
        vat = draw(st.sampled_from(VAT_RATES))
        kind = draw(st.sampled_from(["none", "percent", "amount"]))
        qty = draw(st.integers(1, 12))
        price = draw(prices)
        discount = {
            "none": Decimal(0),
            "percent": Decimal(draw(st.integers(1, 50))),
            "amount": (qty * price * Decimal("0.1")).quantize(Decimal("0.01")),
        }[kind]
        items.append(
            item(
                f"SKU-{n}",
                qty,
                price,
                vat,
                discount=discount,
                discount_type="amount" if kind == "amount" else "percent",
            )
        )
    code = ""
    if draw(st.booleans()):
        code = "SOMMAR10"
        percent = Decimal(draw(st.integers(5, 30)))
        for vat in sorted({Decimal(i["vatRate"]) for i in items}):
            base = sum(_item_total(i) for i in items if Decimal(i["vatRate"]) == vat) / (1 + vat / 100)
            amount = -(base * percent / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            items.append(item("", 1, amount, vat, description=f"Rabattkod {code}"))
    shipping = ("1", "PostNord", str(draw(st.sampled_from([Decimal(0), Decimal("39.2"), Decimal("79.2")]))), "25")
    cod = draw(st.booleans())
    fee = str(draw(st.sampled_from([Decimal(0), Decimal("23.2"), Decimal("39")])))
    payment = ("3", "cashOnDelivery", "Postförskott", fee, "25") if cod else ("2", "invoice", "Faktura", fee, "25")
    if draw(st.booleans()):  # a gift card pays at most what the order costs, as a shop lets it
        total = (
            sum((_item_total(i) for i in items), Decimal(0))
            + line_total(Decimal(shipping[2]), Decimal(25))
            + line_total(Decimal(fee), Decimal(25))
        )
        card = min(Decimal(draw(st.integers(50, 500))), total)
        if card > 0:
            items.append(item("", 1, -card, 0, description="Presentkort 1234"))
    return order_json(items, shipping=shipping, payment=payment, discount_code=code, company=draw(st.booleans()))
