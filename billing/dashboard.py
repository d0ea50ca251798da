"""The billing dashboard's figures for one month, computed in the database so the page costs a
fixed number of queries however many merchants there are (at most 5, also at 10,000).

One annotated queryset gives, per merchant billed that month: package, quota, transferred orders,
% used, overage, and the month's revenue (monthly fee + extra webshops + overage). The same
queryset feeds the page (sorted, filtered, one page of rows), the totals and the CSV export.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy

from .models import MonthlyUsage, MonthStatement, Subscription
from .periods import last_day
from .pricing import versioned

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)

SORTS = {
    "name": "name",
    "package": "package_name",
    "orders": "orders",
    "quota": "quota",
    "used": "used_pct",
    "overage": "overage",
    "revenue": "revenue",
}


def billed_merchants(month: date) -> QuerySet:
    """The month's rows: frozen statements for a closed month (billing/closing.py), else computed."""
    from .closing import is_closed

    if is_closed(month):
        return MonthStatement.objects.filter(month=month).annotate(
            name=F("merchant__name"), org_number=F("merchant__org_number")
        )
    return open_month(month)


def open_month(month: date) -> QuerySet[Subscription]:
    """One row per merchant billed for `month`: the subscription whose quota and fee apply to it
    (billing.entitlements.subscription_for_month, in SQL), annotated with the month's figures.

    Built from the subscription side so that package and merchant are plain joins and each row
    costs two index lookups (is this the month's subscription? the month's usage counter).
    """
    active = Q(start_date__lte=last_day(month)) & (Q(end_date__isnull=True) | Q(end_date__gte=month))
    latest = (
        Subscription.objects.filter(active, merchant=OuterRef("merchant_id"))
        .order_by("-start_date", "-created_at")
        .values("pk")[:1]
    )
    usage = MonthlyUsage.objects.filter(merchant=OuterRef("merchant_id"), month=month).values("orders")[:1]
    rows = Subscription.objects.filter(active, pk=Subquery(latest)).annotate(
        name=F("merchant__name"),
        org_number=F("merchant__org_number"),
        package_code=F("package__code"),
        package_name=F("package__name"),
        quota=Coalesce("quoted_orders_per_month", versioned("orders_per_month", month)),
        monthly_fee=Coalesce("quoted_monthly_price", versioned("monthly_price", month), ZERO, output_field=MONEY),
        extra_shop_price=versioned("extra_shop_monthly_price", month),
        overage_price=Coalesce(versioned("overage_price_per_order", month), ZERO, output_field=MONEY),
        orders=Coalesce(Subquery(usage), Value(0)),
    )
    return (
        rows.annotate(
            overage=Case(When(quota__isnull=True, then=Value(0)), default=Greatest(F("orders") - F("quota"), Value(0))),
            used_pct=Case(
                When(Q(quota__isnull=True) | Q(quota=0), then=Value(None, output_field=FloatField())),
                default=ExpressionWrapper(F("orders") * 100.0 / F("quota"), output_field=FloatField()),
            ),
            extra_shops_fee=ExpressionWrapper(F("extra_shops") * F("extra_shop_price"), output_field=MONEY),
        )
        .annotate(
            overage_fee=ExpressionWrapper(F("overage") * F("overage_price"), output_field=MONEY),
        )
        .annotate(
            revenue=ExpressionWrapper(F("monthly_fee") + F("extra_shops_fee") + F("overage_fee"), output_field=MONEY),
        )
    )


@dataclass(frozen=True)
class Filters:
    search: str = ""
    package: str = ""
    over_quota: bool = False
    sort: str = "name"  # a key of SORTS, "-" in front for descending


def apply(rows: QuerySet[Subscription], filters: Filters) -> QuerySet[Subscription]:
    if filters.search:
        rows = rows.filter(
            Q(merchant__name__icontains=filters.search) | Q(merchant__org_number__icontains=filters.search)
        )
    if filters.package:
        rows = rows.filter(package_code=filters.package)
    if filters.over_quota:
        rows = rows.filter(overage__gt=0)
    descending = filters.sort.startswith("-")
    field = SORTS.get(filters.sort.lstrip("-"), "name")
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return rows.order_by(order, "name", "merchant_id")


TOTALS = ("merchant_count", "total_orders", "total_overage", "mrr", "overage_revenue", "total_revenue")


def page_with_totals(rows: QuerySet[Subscription], offset: int, limit: int) -> tuple[list[Subscription], dict | None]:
    """One query: a page of rows, each carrying the totals over ALL filtered rows (window functions).

    Returns (rows, totals); totals is None when the page is empty (ask `totals()` then).
    """
    page = list(
        rows.annotate(
            merchant_count=Window(Count("merchant_id")),
            total_orders=Window(Sum("orders")),
            total_overage=Window(Sum("overage")),
            mrr=Window(Sum(F("monthly_fee") + F("extra_shops_fee"), output_field=MONEY)),
            overage_revenue=Window(Sum("overage_fee")),
            total_revenue=Window(Sum("revenue")),
        )[offset : offset + limit]
    )
    if not page:
        return page, None
    return page, {name: getattr(page[0], name) or 0 for name in TOTALS}


def totals(rows: QuerySet[Subscription]) -> dict:
    """One query: how many merchants, orders, overage orders, MRR (fees + extra shops) and overage revenue."""
    # The keys must differ from the annotations' names, or Django replaces the annotation.
    return rows.order_by().aggregate(
        merchant_count=Count("merchant_id"),
        total_orders=Coalesce(Sum("orders"), Value(0)),
        total_overage=Coalesce(Sum("overage"), Value(0)),
        mrr=Coalesce(Sum(F("monthly_fee") + F("extra_shops_fee"), output_field=MONEY), ZERO),
        overage_revenue=Coalesce(Sum("overage_fee"), ZERO),
        total_revenue=Coalesce(Sum("revenue"), ZERO),
    )


# (field, title, decimals): None for text, 0 for whole numbers.
CSV_COLUMNS = [
    ("name", gettext_lazy("Merchant"), None),
    ("org_number", gettext_lazy("Org.nr"), None),
    ("package_name", gettext_lazy("Package"), None),
    ("orders", gettext_lazy("Transferred orders"), 0),
    ("quota", gettext_lazy("Quota"), 0),
    ("used_pct", gettext_lazy("% used"), 1),
    ("overage", gettext_lazy("Orders over the quota"), 0),
    ("monthly_fee", gettext_lazy("Monthly fee (SEK)"), 2),
    ("extra_shops_fee", gettext_lazy("Extra webshops (SEK)"), 2),
    ("overage_fee", gettext_lazy("Overage (SEK)"), 2),
    ("revenue", gettext_lazy("Total (SEK)"), 2),
]
