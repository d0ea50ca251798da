"""A Starweb order parsed at the edge into types (design.md §9.3), from the JSON of
`GET /orders/{id}?include=items,addresses,customer` (specs/starweb-api.md §5.1).

Money is Decimal, never float: Starweb's JSON numbers are read as Decimal from their text.
Parsing is tolerant (numbers may come as strings, optional keys may be missing or null) and strict
where a wrong guess would move money: a missing or unreadable amount, quantity or rate is a
ParseError naming the field (and its row), a permanent error: the same order read again fails the
same way, so it needs a person, not retries.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..errors import Permanent

ORE = Decimal("0.01")


def line_total(amount_ex_vat: Decimal, vat_rate: Decimal) -> Decimal:
    """A line's amount including VAT as Starweb computes it (specs/starweb-api.md §11, our working
    assumption): rounded half up to the öre; an order's amountToPay is the sum of its lines."""
    return (amount_ex_vat * (1 + vat_rate / 100)).quantize(ORE, rounding=ROUND_HALF_UP)


class ParseError(Permanent, ValueError):
    """The order JSON lacks something we cannot guess, or has it in a form we cannot read.

    `field` is Starweb's name of the field ("quantity", "amountToPay"; "" when the answer is not an
    order at all) and `row` the order row it is on, counted from 1 (None: the order itself), so the
    merchant can be told which. The message names the field, never its value."""

    def __init__(self, message: str, *, field: str = "", row: int | None = None):
        super().__init__(message, system="starweb")
        self.field, self.row = field, row


def _decimal(value, name: str, default: Decimal | None = None, *, row: int | None = None) -> Decimal:
    where = f"items[{row - 1}].{name}" if row else name
    if value is None or value == "":
        if default is not None:
            return default
        raise ParseError(f"order field {where} is missing", field=name, row=row)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ParseError(f"order field {where} is not a number", field=name, row=row)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ParseError(f"order field {where} is not a number", field=name, row=row) from None
    if not number.is_finite():  # "NaN", "Infinity": Decimal reads them, money cannot be them
        raise ParseError(f"order field {where} is not a number", field=name, row=row)
    return number


def _ascii_digits(value) -> bool:
    text = str(value if value is not None else "")
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _datetime(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Address:
    company_name: str = ""
    first_name: str = ""
    last_name: str = ""
    care_of: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = ""
    phone: str = ""
    mobile: str = ""

    @property
    def person_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @classmethod
    def parse(cls, data: dict | None) -> "Address":
        data = data or {}
        if not isinstance(data, dict):
            raise ParseError("order field address cannot be read", field="address")
        return cls(
            company_name=_text(data.get("companyName")),
            first_name=_text(data.get("firstName")),
            last_name=_text(data.get("lastName")),
            care_of=_text(data.get("careOf")),
            address=_text(data.get("address")),
            postal_code=_text(data.get("postalCode")),
            city=_text(data.get("city")),
            country_code=_text(data.get("countryCode")).upper(),
            phone=_text(data.get("phoneNo")),
            mobile=_text(data.get("mobilePhoneNo")),
        )


@dataclass(frozen=True)
class OrderItem:
    """One order row. `unit_price` is ex VAT; `discount` is for the whole row, a percent or an amount."""

    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    discount: Decimal = Decimal("0")
    discount_type: str = "percent"  # "percent" | "amount"

    @property
    def net_ex_vat(self) -> Decimal:
        """The row's amount ex VAT after its own discount."""
        gross = self.quantity * self.unit_price
        if self.discount_type == "amount":
            return gross - self.discount
        return gross * (1 - self.discount / 100)

    @property
    def total(self) -> Decimal:
        """The row's amount including VAT, as Starweb rounds it."""
        return line_total(self.net_ex_vat, self.vat_rate)

    @property
    def is_gift_card(self) -> bool:
        # §11: an item without a sku whose description starts with "Presentkort", negative, VAT 0.
        return not self.sku and self.description.lower().startswith("presentkort") and self.unit_price < 0

    @property
    def is_code_discount(self) -> bool:
        # §11: an item without a sku and with a negative price that is not a gift card.
        return not self.sku and self.unit_price < 0 and not self.is_gift_card

    @classmethod
    def parse(cls, data: dict, index: int) -> "OrderItem":
        """Row `index` (from 0) of the order; errors name it counted from 1, as a person counts."""
        row = index + 1
        if not isinstance(data, dict):
            raise ParseError(f"order row {row} is not an object", field="item", row=row)
        discount_type = _text(data.get("discountType")) or "percent"
        if discount_type not in ("percent", "amount"):
            raise ParseError(f"order field items[{index}].discountType is unknown", field="discountType", row=row)
        return cls(
            sku=_text(data.get("sku")),
            description=_text(data.get("description")),
            quantity=_decimal(data.get("quantity"), "quantity", row=row),
            unit_price=_decimal(data.get("unitPrice"), "unitPrice", row=row),
            vat_rate=_decimal(data.get("vatRate"), "vatRate", row=row),
            discount=_decimal(data.get("discount"), "discount", Decimal("0"), row=row),
            discount_type=discount_type,
        )


@dataclass(frozen=True)
class StarwebOrder:
    order_id: str
    created_at: datetime | None
    modified_at: datetime | None
    status_id: int | None
    lang_code: str
    currency_code: str
    base_currency_code: str
    amount_to_pay: Decimal
    payment_method_id: str
    payment_method_code: str
    payment_method_name: str
    payment_fee: Decimal
    payment_vat_rate: Decimal
    payment_reference: str
    shipping_method_id: str
    shipping_method_name: str
    shipping_cost: Decimal
    shipping_vat_rate: Decimal
    discount_code: str
    customer_email: str
    customer_national_id: str
    customer_vat_no: str
    customer_type: str  # "person" | "company" (Starweb's customer.type), "" if not included
    invoice_address: Address
    delivery_address: Address
    items: tuple[OrderItem, ...]
    custom_fields: tuple[tuple[str, str], ...] = field(default=())

    # The payment method whose idCode marks cash on delivery (§11): its fee is the COD fee.
    COD_CODE = "cashOnDelivery"

    @property
    def is_cash_on_delivery(self) -> bool:
        return self.payment_method_code == self.COD_CODE

    @property
    def is_company(self) -> bool:
        return self.customer_type == "company" or bool(self.invoice_address.company_name)

    @classmethod
    def parse(cls, data: dict) -> "StarwebOrder":
        """Parse the `data` object of an order response. Raises ParseError."""
        if not isinstance(data, dict) or data.get("orderId") in (None, ""):
            raise ParseError("the answer is not an order")
        items = _included(data, "items", list)
        addresses = _included(data, "addresses", dict)
        customer = _included(data, "customer", dict)
        custom = [
            (key, _text(data.get(key)))
            for key in (
                "customInfo1",
                "customInfo2",
                "customInfo3",
                "customInfo4",
                "originalCustomerCustomInfo1",
                "originalCustomerCustomInfo2",
            )
            if _text(data.get(key))
        ]
        status = data.get("statusId")
        return cls(
            order_id=str(data["orderId"]),
            created_at=_datetime(data.get("createdAt")),
            modified_at=_datetime(data.get("modifiedAt")),
            status_id=int(status) if _ascii_digits(status) else None,
            lang_code=_text(data.get("langCode")) or "sv",
            currency_code=_text(data.get("currencyCode")).upper(),
            base_currency_code=_text(data.get("baseCurrencyCode")).upper(),
            amount_to_pay=_decimal(data.get("amountToPay"), "amountToPay"),
            payment_method_id=_text(data.get("paymentMethodId")),
            payment_method_code=_text(data.get("paymentMethodIdCode")),
            payment_method_name=_text(data.get("paymentMethodName")),
            payment_fee=_decimal(data.get("paymentFee"), "paymentFee", Decimal("0")),
            payment_vat_rate=_decimal(data.get("paymentVatRate"), "paymentVatRate", Decimal("0")),
            payment_reference=_text(data.get("paymentReference")),
            shipping_method_id=_text(data.get("shippingMethodId")),
            shipping_method_name=_text(data.get("shippingMethodName")),
            shipping_cost=_decimal(data.get("shippingCost"), "shippingCost", Decimal("0")),
            shipping_vat_rate=_decimal(data.get("shippingVatRate"), "shippingVatRate", Decimal("0")),
            discount_code=_text(data.get("discountCode")),
            customer_email=_text(data.get("originalCustomerEmail") or customer.get("email")).lower(),
            customer_national_id=_text(data.get("originalCustomerNationalIdNo")),
            customer_vat_no=_text(data.get("originalCustomerVatNo")),
            customer_type=_text(customer.get("type")),
            invoice_address=Address.parse(addresses.get("originalInvoice") or addresses.get("customerInvoice")),
            delivery_address=Address.parse(addresses.get("originalDelivery") or addresses.get("customerDelivery")),
            items=tuple(OrderItem.parse(item, n) for n, item in enumerate(items)),
            custom_fields=tuple(custom),
        )


def _included(data: dict, key: str, kind: type):
    """An included resource ({"data": ...}); missing or null is empty, another shape unreadable."""
    wrapper = data.get(key) or {}
    inner = wrapper.get("data") if isinstance(wrapper, dict) else None
    if inner is None and not isinstance(wrapper, dict):
        raise ParseError(f"order field {key} cannot be read", field=key)
    inner = inner or kind()
    if not isinstance(inner, kind):
        raise ParseError(f"order field {key} cannot be read", field=key)
    return inner


def name_of(row: dict, fallback_key: str = "") -> str:
    """A Starweb resource's display name: `name`, or the first of its `languages` (a list, or
    {"data": [...]} when included), or its id as a last resort."""
    languages = row.get("languages")
    languages = languages.get("data") if isinstance(languages, dict) else languages
    from_languages = next(
        (str(lang.get("name")) for lang in languages or [] if isinstance(lang, dict) and lang.get("name")), ""
    )
    return str(row.get("name") or from_languages or (f"#{row.get(fallback_key)}" if fallback_key else ""))
