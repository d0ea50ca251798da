"""The order mapper: a parsed Starweb order and the connection's export settings in, Specter's
customer and order parameters out, or the problems a merchant must fix. Pure: no queries, no HTTP.

Rows carry the shop's own prices, and the Specter total equals Starweb's amountToPay to the öre:
1. Each item goes with the shop's own unit price ex VAT, quantity and VAT rate, as the shop shows it.
2. By default every discount, an item's own row discount as well as a discount code, goes as one
   negative row per VAT rate on the discount article (domain.md, seed 001). With "discount as a
   percentage on each item", each item instead carries its share of the discount as a percentage
   (its price is then the discounted one, as Specter shows a discounted item).
3. Shipping, the payment fee (or cash on delivery) and gift cards are rows at the shop's amounts.
4. What Starweb's rounding (each line to the öre) and Specter's (each row) leave between the rows
   and amountToPay goes on one rounding row (VAT 0), never into prices. More than ROUNDING_LIMIT
   is not rounding: the order is refused with the figures (problems()).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connections.settings import ExportSettings  # noqa: F401  (re-exported: the mapper's input)
from connections.specter.arithmetic import PRICE_DECIMALS, price_for, row_total
from connections.starweb.types import ORE, StarwebOrder, line_total
from integrator import article_numbers

from ..reasons import CATALOGUE

ROUNDING_LIMIT = Decimal("1.00")  # kr: a rounding row is never more than this, either way
LANGUAGES = {"sv": "SE", "en": "EN", "no": "NO", "nb": "NO", "fi": "FI", "da": "DA", "de": "DE", "es": "ES"}


@dataclass(frozen=True)
class Problem:
    """Why an order cannot go to Specter, for the merchant: a code of syncflows.reasons and its
    parameters; `message` and `fix` are rendered in the active language."""

    code: str
    params: dict

    @property
    def message(self) -> str:
        return str(CATALOGUE[self.code][0] % self.params)

    @property
    def fix(self) -> str:
        return str(CATALOGUE[self.code][1] % self.params)


@dataclass(frozen=True)
class Row:
    article_no: str
    name: str
    price_ex_vat: Decimal
    quantity: Decimal
    vat_percent: Decimal
    comment: str = ""

    @property
    def total(self) -> Decimal:
        return row_total(self.price_ex_vat, self.quantity, self.vat_percent)


@dataclass(frozen=True)
class SpecterOrder:
    customer: dict[str, str]
    order: dict[str, str]  # without customerId, which comes from the customer call
    rows: tuple[Row, ...]

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), Decimal("0"))

    def order_params(self, customer_no: str) -> dict[str, str]:
        """The newOrderSubmit form parameters, rows numbered from 1."""
        params = {"customerId": customer_no, **self.order}
        for n, row in enumerate(self.rows, start=1):
            params.update(
                {
                    f"articleNo_{n}": row.article_no,
                    f"articleName_{n}": row.name[:100],
                    f"priceExclVAT_{n}": _number(row.price_ex_vat),
                    f"noOfItems_{n}": _number(row.quantity),
                    f"vatPercent_{n}": _number(row.vat_percent),
                }
            )
            if row.comment:
                params[f"articleComment_{n}"] = row.comment
        return params


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def problems(order: StarwebOrder, settings: ExportSettings) -> list[Problem]:
    """Everything that stops the order, all at once, so the merchant fixes them in one go."""
    found = []
    if order.base_currency_code != "SEK" or order.currency_code not in ("", "SEK"):
        found.append(Problem("currency", {"currency": order.base_currency_code or order.currency_code}))
    for item in order.items:
        if item.is_gift_card or item.is_code_discount:
            continue
        wrong = article_numbers.problem(item.sku)
        if wrong == article_numbers.MISSING:
            found.append(Problem("sku_missing", {"product": item.description}))
        elif wrong:  # a space, or an invisible or control character
            found.append(Problem("sku_space", {"sku": item.sku}))
    found += _amount_problems(order)
    needed = [
        (any(i.is_gift_card for i in order.items), settings.gift_card_article, "gift card"),
        (_has_discount(order) and not settings.discount_per_item_percent, settings.discount_article, "discounts"),
        (_has_shipping_row(order, settings), settings.shipping_article, "shipping"),
        (_has_fee_row(order, settings) and not order.is_cash_on_delivery, settings.payment_fee_article, "payment fee"),
        (_has_fee_row(order, settings) and order.is_cash_on_delivery, settings.cod_article, "cash on delivery"),
    ]
    for is_needed, article, what in needed:
        if is_needed and not article:
            found.append(Problem("article_missing", {"what": what}))
    if order.shipping_method_id and order.shipping_method_id not in settings.delivery_methods:
        found.append(Problem("delivery_unmapped", {"name": order.shipping_method_name}))
    if order.payment_method_id and order.payment_method_id not in settings.payment_methods:
        found.append(Problem("payment_unmapped", {"name": order.payment_method_name}))
    if not found:  # the rows Specter would get (with every article set) leave more than rounding?
        rows = _rows(order, settings, rounding=False)
        difference = order.amount_to_pay - _sum(rows)
        if abs(difference) > ROUNDING_LIMIT:
            found.append(Problem("totals", {"rows": str(_sum(rows)), "amount": str(order.amount_to_pay)}))
        elif difference and not settings.rounding_article:
            found.append(Problem("article_missing", {"what": "rounding"}))
    return found


def _amount_problems(order: StarwebOrder) -> list[Problem]:
    """Orders that must not go whatever the settings: a row of zero or fewer items, a negative
    total, or rows that do not add up to amountToPay beyond rounding (as Starweb adds them)."""
    found = [
        Problem("quantity", {"row": n, "quantity": _number(item.quantity)})
        for n, item in enumerate(order.items, start=1)
        if item.quantity <= 0
    ]
    if order.amount_to_pay < 0:
        found.append(Problem("negative_total", {"amount": str(order.amount_to_pay)}))
    lines = (
        sum((item.total for item in order.items), Decimal("0"))
        + line_total(order.shipping_cost, order.shipping_vat_rate)
        + line_total(order.payment_fee, order.payment_vat_rate)
    )
    if not found and abs(order.amount_to_pay - lines) > ROUNDING_LIMIT:
        found.append(Problem("totals", {"rows": str(lines), "amount": str(order.amount_to_pay)}))
    return found


def _has_discount(order: StarwebOrder) -> bool:
    return any(i.is_code_discount or (i.sku and i.discount) for i in order.items)


def _sum(rows) -> Decimal:
    return sum((row.total for row in rows), Decimal("0"))


def _has_shipping_row(order: StarwebOrder, settings: ExportSettings) -> bool:
    return bool(order.shipping_method_id) and (order.shipping_cost != 0 or settings.zero_row_shipping)


def _has_fee_row(order: StarwebOrder, settings: ExportSettings) -> bool:
    if order.payment_fee != 0:
        return True
    return settings.zero_row_cod if order.is_cash_on_delivery else settings.zero_row_payment_fee


def map_order(order: StarwebOrder, settings: ExportSettings) -> SpecterOrder:
    """Build Specter's parameters. Call only when problems() is empty (it assumes what they check)."""
    return SpecterOrder(
        customer=_customer(order, settings), order=_order_fields(order, settings), rows=tuple(_rows(order, settings))
    )


def _rows(order: StarwebOrder, settings: ExportSettings, *, rounding: bool = True) -> list[Row]:
    products = [i for i in order.items if i.sku]
    discounts = [i for i in order.items if i.is_code_discount]
    rows: list[Row] = []
    if settings.discount_per_item_percent and _has_discount(order):
        rows += _items_with_shared_discount(products, discounts)
    else:
        rows += [Row(i.sku, i.description, i.unit_price, i.quantity, i.vat_rate) for i in products]
        rows += _discount_rows(order, products, discounts, settings)
    if _has_shipping_row(order, settings):
        rows.append(
            Row(
                settings.shipping_article,
                order.shipping_method_name or "Frakt",
                order.shipping_cost,
                Decimal(1),
                order.shipping_vat_rate,
            )
        )
    if _has_fee_row(order, settings):
        article = settings.cod_article if order.is_cash_on_delivery else settings.payment_fee_article
        base = "Postförskott" if order.is_cash_on_delivery else "Avgift"
        method = order.payment_method_name
        name = base if not method or method.lower() == base.lower() else f"{base} {method}"
        rows.append(Row(article, name, order.payment_fee, Decimal(1), order.payment_vat_rate))
    rows += [
        Row(settings.gift_card_article, i.description, i.unit_price, i.quantity, i.vat_rate)
        for i in order.items
        if i.is_gift_card
    ]
    difference = order.amount_to_pay - _sum(rows)
    if rounding and difference:
        rows.append(Row(settings.rounding_article, "Öresavrundning", difference, Decimal(1), Decimal(0)))
    return rows


def _discount_rows(order: StarwebOrder, products, discounts, settings: ExportSettings) -> list[Row]:
    """Every discount as one negative row per VAT rate: the items' own row discounts (what each
    row's discount takes off its quantity × unit price) and the discount code's items, ex VAT."""
    amounts: dict[Decimal, Decimal] = {}
    for item in products:
        if item.discount:
            amounts[item.vat_rate] = (
                amounts.get(item.vat_rate, Decimal(0)) + item.net_ex_vat - item.quantity * item.unit_price
            )
    for item in discounts:
        amounts[item.vat_rate] = amounts.get(item.vat_rate, Decimal(0)) + item.net_ex_vat
    name = f"Rabatt {order.discount_code}" if order.discount_code and discounts else "Rabatt"
    return [
        Row(settings.discount_article, name, amount.quantize(PRICE_DECIMALS, rounding=ROUND_HALF_UP), Decimal(1), vat)
        for vat, amount in sorted(amounts.items(), key=lambda pair: -pair[0])
        if amount
    ]


def _row(article: str, name: str, total: Decimal, quantity: Decimal, vat: Decimal, comment: str = "") -> Row:
    """A Specter row whose amount including VAT, by Specter's arithmetic, is exactly `total`: only
    for an item carrying its share of a discount (the per-item option), whose price is then the
    discounted one."""
    return Row(article, name, price_for(total, quantity, vat), quantity, vat, comment)


def _items_with_shared_discount(products, discounts) -> list[Row]:
    """Every discount as a percentage on each item (the per-item option): the code's discount shared
    over the items of its VAT rate in öre, each item's price the discounted one, its comment its
    whole discount in percent."""
    rows = []
    for vat in sorted({i.vat_rate for i in products}):
        group = [i for i in products if i.vat_rate == vat]
        discount = sum((d.total for d in discounts if d.vat_rate == vat), Decimal("0"))
        gross = sum((i.total for i in group), Decimal("0"))
        remaining = gross + discount
        for n, item in enumerate(group):
            share = (
                remaining
                if n == len(group) - 1
                else (item.total * (gross + discount) / gross).quantize(ORE, rounding=ROUND_HALF_UP)
                if gross
                else item.total
            )
            remaining -= share
            # The item's whole discount (its own row discount and its share of the code) as its percentage.
            full = line_total(item.quantity * item.unit_price, vat)
            percent = (
                ((1 - share / full) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if full > 0 else Decimal(0)
            )
            rows.append(
                _row(
                    item.sku, item.description, share, item.quantity, vat, f"Rabatt {percent} %" if percent > 0 else ""
                )
            )
    # A discount on a VAT rate with no products left (should not happen) still goes on the order.
    for d in discounts:
        if d.vat_rate not in {i.vat_rate for i in products}:
            rows.append(_row("", d.description, d.total, Decimal(1), d.vat_rate))
    return rows


def _customer(order: StarwebOrder, settings: ExportSettings) -> dict[str, str]:
    invoice, delivery = order.invoice_address, order.delivery_address
    company = order.is_company
    street, street2 = invoice.address, invoice.care_of
    if settings.company_in_address_line1 and invoice.company_name:
        street, street2 = invoice.company_name, invoice.address
    params = {
        "currency": "SEK",
        "language": LANGUAGES.get(order.lang_code[:2].lower(), "SE"),
        "customerOrganizationalForm": "C" if company else "P",
        "orgNo": order.customer_national_id,
        "vatNo": order.customer_vat_no,
        "address": street,
        "addressRow2": street2,
        "zipCodeEng": invoice.postal_code,
        "city": invoice.city,
        "countryCode": invoice.country_code or "SE",
        "deliveryCompanyName": delivery.company_name or delivery.person_name,
        "deliveryAttention": delivery.person_name if delivery.company_name else "",
        "deliveryAddress": delivery.address,
        "deliveryAddressRow2": delivery.care_of,
        "deliveryZipCodeEng": delivery.postal_code,
        "deliveryCity": delivery.city,
        "deliveryCountryCode": delivery.country_code or invoice.country_code or "SE",
        "emailAddress": order.customer_email,
        "phoneNo": invoice.phone,
        "mobileNo": invoice.mobile,
        "ignoreControlEmail": "1" if settings.ignore_control_email else "0",
        "ignoreControlOrgNo": "1" if settings.ignore_control_org_no else "0",
        "forceCustomerUpdate": "1" if settings.force_customer_update else "0",
    }
    if company:
        params.update(name=invoice.company_name, contactPerson=invoice.person_name, attention=invoice.person_name)
    else:
        params.update(firstName=invoice.first_name, surName=invoice.last_name, contactPerson=invoice.person_name)
    return {key: value for key, value in params.items() if value != ""}


def _order_fields(order: StarwebOrder, settings: ExportSettings) -> dict[str, str]:
    fields = {
        "externalOrderNo": settings.external_order_no(order.order_id),
        "webshopId": settings.webshop_id,
        "stocksiteid": settings.stock_site_id,  # empty: Specter's default warehouse
        "currency": "SEK",
        "language": LANGUAGES.get(order.lang_code[:2].lower(), "SE"),
        "sendOrderMail": "1" if settings.confirmation_from_specter else "0",
        "sendOrderMailToUser": "1" if settings.confirmation_copy_to_admin else "0",
        "userSource": "webuser",
        "externalDeliveryMethod": settings.delivery_methods.get(order.shipping_method_id, ""),
        "payTypeIdentifier": settings.payment_methods.get(order.payment_method_id, ""),
        "payTypeReference": order.payment_reference,
    }
    if settings.include_custom_fields and order.custom_fields:
        fields["internalComment"] = "\n".join(f"{name}: {value}" for name, value in order.custom_fields)
    return {key: value for key, value in fields.items() if value != ""}
