"""A merchant's invoice preview for one month, and its 12-month history (for the chart).

Amounts in SEK ex VAT; Swedish VAT 25 % is added on the preview's total.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from .entitlements import subscription_for_month
from .models import HourPurchase, Merchant, MonthlyUsage, Subscription
from .periods import last_day, months_back

VAT_RATE = Decimal("0.25")


@dataclass(frozen=True)
class Line:
    text: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass
class InvoicePreview:
    merchant: Merchant
    month: date
    subscription: Subscription | None
    orders: int
    quota: int | None
    lines: list[Line] = field(default_factory=list)

    @property
    def overage(self) -> int:
        return max(self.orders - self.quota, 0) if self.quota is not None else 0

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return (self.net * VAT_RATE).quantize(Decimal("0.01"))

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


def preview(merchant: Merchant, month: date) -> InvoicePreview:
    """What to invoice `merchant` for `month`: fee, extra webshops, overage, start package, hour packs."""
    subscription = subscription_for_month(merchant, month)
    usage = MonthlyUsage.objects.filter(merchant=merchant, month=month).values_list("orders", flat=True).first() or 0
    quota = subscription.orders_per_month if subscription else None
    invoice = InvoicePreview(merchant, month, subscription, usage, quota)
    if subscription:
        package = subscription.package
        monthly = subscription.monthly_price or Decimal("0")
        invoice.lines.append(Line(_("Monthly fee, %(package)s") % {"package": package.name}, Decimal(1), monthly))
        if subscription.extra_shops:
            invoice.lines.append(Line(_("Extra webshops"), Decimal(subscription.extra_shops), package.extra_shop_monthly_price))
        if invoice.overage:
            invoice.lines.append(Line(_("Orders over the quota"), Decimal(invoice.overage), package.overage_price))
    purchases = HourPurchase.objects.filter(merchant=merchant, purchased_on__range=(month, last_day(month))).select_related("hour_pack")
    for purchase in purchases.order_by("purchased_on", "created_at"):
        if purchase.kind == HourPurchase.Kind.START_PACKAGE:
            text = _("Start package and installation (%(hours)s h)") % {"hours": purchase.hours.normalize()}
        else:
            text = _("Hour pack (%(hours)s h)") % {"hours": purchase.hours.normalize()}
        invoice.lines.append(Line(text, Decimal(1), purchase.price))
    return invoice


def history(merchant: Merchant, month: date, months: int = 12) -> list[dict]:
    """Transferred orders and quota for the `months` months ending with `month` (two queries)."""
    span = months_back(month, months)
    counts = dict(MonthlyUsage.objects.filter(merchant=merchant, month__in=span).values_list("month", "orders"))
    subscriptions = list(merchant.subscriptions.select_related("package").order_by("-start_date", "-created_at"))
    rows = []
    for each in span:
        end = last_day(each)
        current = next(
            (s for s in subscriptions if s.start_date <= end and (s.end_date is None or s.end_date >= each)), None
        )
        rows.append({"month": each, "orders": counts.get(each, 0), "quota": current.orders_per_month if current else None})
    return rows


def chart_data(months: list[dict]) -> dict:
    """The 12-month history as the usage chart (static/js/usage-chart.js) reads it."""
    return {
        "labels": [m["month"].strftime("%Y-%m") for m in months],
        "orders": [m["orders"] for m in months],
        "quota": [m["quota"] for m in months],
    }
