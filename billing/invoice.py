"""A merchant's invoice preview for one month, and its 12-month history (for the chart).

Amounts in SEK ex VAT; Swedish VAT 25 % is added on the preview's total.

An open month is computed from what is recorded now. A closed month (billing/closing.py) is read
back exactly as it was frozen. What changed since for a closed month (a late order, a change
dated back) is the difference between its figures now and what was invoiced for it, and goes on
the next open month as adjustment lines that name the month and the item.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from integrator.formatting import hours_minutes

from . import service_account
from .entitlements import subscription_for_month
from .models import HourPurchase, Merchant, MonthlyUsage, MonthStatement, Subscription
from .packages import HOURLY_RATE
from .periods import add_months, last_day, months_back

VAT_RATE = Decimal("0.25")
CENT = Decimal("0.01")


def _month_name(month: date) -> str:
    from django.utils.formats import date_format

    return date_format(month, "F Y")


@dataclass(frozen=True)
class Line:
    """One invoice line. `key` names the item so a closed month's line can be compared with the
    same item computed again; the text is rendered in the reader's language from key and params."""

    key: str
    quantity: Decimal
    unit_price: Decimal
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)

    @property
    def is_adjustment(self) -> bool:
        return self.key.startswith("adjust:")

    @property
    def text(self) -> str:
        return line_text(self.key, self.params)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "quantity": str(self.quantity),
            "unit_price": str(self.unit_price),
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Line":
        return cls(data["key"], Decimal(data["quantity"]), Decimal(data["unit_price"]), data.get("params") or {})


def line_text(key: str, params: dict) -> str:
    kind = key.split(":")[0]
    if kind == "adjust":
        inner = key.split(":", 1)[1]
        return _("Adjustment for %(month)s: %(item)s") % {
            "month": _month_name(date.fromisoformat(params["month"])),
            "item": line_text(inner, params.get("of") or {}),
        }
    if kind == "fee":
        return _("Monthly fee, %(package)s") % {"package": params.get("package", "")}
    if kind == "extra_shops":
        return _("Extra webshops")
    if kind == "overage":
        return _("Orders over the quota")
    if kind == "start_package":
        return _("Start package and installation (%(hours)s)") % {"hours": hours_minutes(params.get("minutes", 0))}
    if kind == "hour_pack":
        return _("Hour pack (%(hours)s)") % {"hours": hours_minutes(params.get("minutes", 0))}
    if kind == "service_hours":
        return _("Hours beyond the service account (%(hours)s)") % {"hours": hours_minutes(params.get("minutes", 0))}
    return key


@dataclass
class InvoicePreview:
    merchant: Merchant
    month: date
    subscription: Subscription | None
    orders: int
    quota: int | None
    lines: list[Line] = field(default_factory=list)
    package_name: str = ""
    closed: bool = False
    service_minutes: int = 0  # hours beyond the service account, billed this month

    @property
    def overage(self) -> int:
        return max(self.orders - self.quota, 0) if self.quota is not None else 0

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return (self.net * VAT_RATE).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.net + self.vat

    @property
    def adjustments(self) -> list[Line]:
        return [line for line in self.lines if line.is_adjustment]


def computed(merchant: Merchant, month: date) -> InvoicePreview:
    """The month as recorded now, without adjustments: fee, extra webshops, overage, start package,
    hour packs, hours beyond the service account. Terms are the catalogue version of the month."""
    subscription = subscription_for_month(merchant, month)
    usage = MonthlyUsage.objects.filter(merchant=merchant, month=month).values_list("orders", flat=True).first() or 0
    quota = subscription.orders_per_month_in(month) if subscription else None
    invoice = InvoicePreview(merchant, month, subscription, usage, quota)
    if subscription:
        terms = subscription.terms(month)
        invoice.package_name = subscription.package.name
        monthly = subscription.monthly_price_in(month) or Decimal("0")
        invoice.lines.append(Line("fee", Decimal(1), monthly, {"package": subscription.package.name}))
        if subscription.extra_shops:
            invoice.lines.append(Line("extra_shops", Decimal(subscription.extra_shops), terms.extra_shop_monthly_price))
        if invoice.overage:
            invoice.lines.append(Line("overage", Decimal(invoice.overage), terms.overage_price))
    purchases = HourPurchase.objects.filter(merchant=merchant, purchased_on__range=(month, last_day(month)))
    for purchase in purchases.order_by("purchased_on", "created_at"):
        kind = "start_package" if purchase.kind == HourPurchase.Kind.START_PACKAGE else "hour_pack"
        invoice.lines.append(Line(f"{kind}:{purchase.pk}", Decimal(1), purchase.price, {"minutes": purchase.minutes}))
    invoice.service_minutes = service_account.month_to_bill(merchant, month)
    if invoice.service_minutes:
        invoice.lines.append(
            Line(
                "service_hours",
                Decimal(invoice.service_minutes) / 60,
                HOURLY_RATE,
                {"minutes": invoice.service_minutes},
            )
        )
    return invoice


def frozen(statement: MonthStatement) -> InvoicePreview:
    invoice = InvoicePreview(
        statement.merchant,
        statement.month,
        None,
        statement.orders,
        statement.quota,
        [Line.from_json(each) for each in statement.lines],
        statement.package_name,
        closed=True,
        service_minutes=statement.hours_minutes,
    )
    return invoice


def _adjusted_months(month: date, closed: set[date]) -> list[date]:
    """The closed months whose late changes go on `month`: those right before it, up to an open one."""
    result, each = [], add_months(month, -1)
    while each in closed:
        result.append(each)
        each = add_months(each, -1)
    return sorted(result)


def adjustments(merchant: Merchant, month: date, closed: set[date]) -> list[Line]:
    """For each closed month right before `month`: its figures now minus what was invoiced for it
    (its frozen lines and adjustments already frozen in later closed months), item by item."""
    targets = _adjusted_months(month, closed)
    if not targets:
        return []
    invoiced: dict[tuple[date, str], list[Line]] = defaultdict(list)
    for statement in MonthStatement.objects.filter(merchant=merchant, month__gte=targets[0], month__lt=month):
        for line in (Line.from_json(each) for each in statement.lines):
            if line.is_adjustment:
                invoiced[(date.fromisoformat(line.params["month"]), line.key.split(":", 1)[1])].append(line)
            else:
                invoiced[(statement.month, line.key)].append(line)
    lines = []
    for target in targets:
        now = {line.key: line for line in computed(merchant, target).lines}
        keys = list(now) + sorted({key for (m, key) in invoiced if m == target and key not in now})
        for key in keys:
            then = invoiced.get((target, key), [])
            line = now.get(key)
            difference = (line.amount if line else Decimal("0")) - sum((t.amount for t in then), Decimal("0"))
            if not difference:
                continue
            unit = line.unit_price if line else then[0].unit_price
            quantity = (line.quantity if line else Decimal("0")) - sum((t.quantity for t in then), Decimal("0"))
            if not unit or (quantity * unit).quantize(CENT) != difference:
                quantity, unit = Decimal(1), difference
            params = {"month": target.isoformat(), "of": (line or then[0]).params}
            lines.append(Line(f"adjust:{key}", quantity, unit, params))
    return lines


def invoice_preview(merchant: Merchant, month: date) -> InvoicePreview:
    """What to invoice `merchant` for `month`: frozen if the month is closed, else computed now
    with the adjustments of the closed months before it."""
    from .closing import closed_months  # closing freezes what this module computes

    closed = closed_months()
    if month in closed:
        statement = MonthStatement.objects.filter(merchant=merchant, month=month).select_related("merchant").first()
        if statement is None:
            return InvoicePreview(merchant, month, None, 0, None, closed=True)
        return frozen(statement)
    invoice = computed(merchant, month)
    invoice.lines.extend(adjustments(merchant, month, closed))
    return invoice


def history(merchant: Merchant, month: date, months: int = 12) -> list[dict]:
    """Transferred orders and quota for the `months` months ending with `month` (three queries);
    a closed month shows its frozen figures."""
    span = months_back(month, months)
    counts = dict(MonthlyUsage.objects.filter(merchant=merchant, month__in=span).values_list("month", "orders"))
    statements = {s.month: s for s in MonthStatement.objects.filter(merchant=merchant, month__in=span)}
    subscriptions = list(merchant.subscriptions.select_related("package").order_by("-start_date", "-created_at"))
    rows = []
    for each in span:
        if each in statements:
            rows.append(
                {"month": each, "orders": statements[each].orders, "quota": statements[each].quota, "closed": True}
            )
            continue
        end = last_day(each)
        current = next(
            (s for s in subscriptions if s.start_date <= end and (s.end_date is None or s.end_date >= each)), None
        )
        rows.append(
            {
                "month": each,
                "orders": counts.get(each, 0),
                "quota": current.orders_per_month_in(each) if current else None,
                "closed": False,
            }
        )
    return rows


def chart_data(months: list[dict]) -> dict:
    """The 12-month history as the usage chart (static/js/usage-chart.js) reads it."""
    return {
        "labels": [m["month"].strftime("%Y-%m") for m in months],
        "orders": [m["orders"] for m in months],
        "quota": [m["quota"] for m in months],
    }
