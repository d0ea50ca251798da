"""The billing dashboard's figures for one month, computed in the database so the page costs a
fixed number of queries however many merchants there are (issue 5: at most 5 at 10,000).

One annotated queryset gives, per merchant billed that month: package, quota, transferred orders,
% used, overage, and the month's revenue (monthly fee + extra webshops + overage). The same
queryset feeds the page (sorted, filtered, one page of rows), the totals and the CSV export.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case, Count, DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When,
)
from django.db.models.functions import Coalesce, Greatest

from .models import Merchant, MonthlyUsage, Subscription
from .periods import last_day

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)

SORTS = {
    "name": "name", "package": "package_name", "orders": "orders", "quota": "quota",
    "used": "used_pct", "overage": "overage", "revenue": "revenue",
}


def billed_merchants(month: date) -> QuerySet[Merchant]:
    """Every merchant with a subscription for `month`, annotated with the month's billing figures."""
    in_force = (
        Subscription.objects.filter(merchant=OuterRef("pk"), start_date__lte=last_day(month))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .order_by("-start_date", "-created_at")
    )

    def current(field, output_field=None):
        return Subquery(in_force.values(field)[:1], output_field=output_field)

    usage = MonthlyUsage.objects.filter(merchant=OuterRef("pk"), month=month).values("orders")[:1]
    rows = Merchant.objects.annotate(
        package_code=current("package__code"),
        package_name=current("package__name"),
        quota=Coalesce(current("quoted_orders_per_month"), current("package__orders_per_month")),
        monthly_fee=Coalesce(current("quoted_monthly_price", MONEY), current("package__monthly_price", MONEY), ZERO),
        extra_shops=Coalesce(current("extra_shops"), Value(0)),
        extra_shop_price=Coalesce(current("package__extra_shop_monthly_price", MONEY), ZERO),
        set_overage_price=current("package__overage_price_per_order", MONEY),
        orders=Coalesce(Subquery(usage), Value(0)),
    ).filter(package_code__isnull=False)
    return rows.annotate(
        overage=Case(When(quota__isnull=True, then=Value(0)), default=Greatest(F("orders") - F("quota"), Value(0))),
        used_pct=Case(
            When(Q(quota__isnull=True) | Q(quota=0), then=Value(None, output_field=FloatField())),
            default=ExpressionWrapper(F("orders") * 100.0 / F("quota"), output_field=FloatField()),
        ),
        overage_price=Coalesce("set_overage_price", ZERO),
        extra_shops_fee=ExpressionWrapper(F("extra_shops") * F("extra_shop_price"), output_field=MONEY),
    ).annotate(
        overage_fee=ExpressionWrapper(F("overage") * F("overage_price"), output_field=MONEY),
    ).annotate(
        revenue=ExpressionWrapper(F("monthly_fee") + F("extra_shops_fee") + F("overage_fee"), output_field=MONEY),
    )


@dataclass(frozen=True)
class Filters:
    search: str = ""
    package: str = ""
    over_quota: bool = False
    sort: str = "name"  # a key of SORTS, "-" in front for descending


def apply(rows: QuerySet[Merchant], filters: Filters) -> QuerySet[Merchant]:
    if filters.search:
        rows = rows.filter(Q(name__icontains=filters.search) | Q(org_number__icontains=filters.search))
    if filters.package:
        rows = rows.filter(package_code=filters.package)
    if filters.over_quota:
        rows = rows.filter(overage__gt=0)
    descending = filters.sort.startswith("-")
    field = SORTS.get(filters.sort.lstrip("-"), "name")
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return rows.order_by(order, "name", "pk")


def totals(rows: QuerySet[Merchant]) -> dict:
    """One query: how many merchants, orders, overage orders, MRR (fees + extra shops) and overage revenue."""
    # The keys must differ from the annotations' names, or Django replaces the annotation.
    return rows.order_by().aggregate(
        merchant_count=Count("pk"),
        total_orders=Coalesce(Sum("orders"), Value(0)),
        total_overage=Coalesce(Sum("overage"), Value(0)),
        mrr=Coalesce(Sum(F("monthly_fee") + F("extra_shops_fee"), output_field=MONEY), ZERO),
        overage_revenue=Coalesce(Sum("overage_fee"), ZERO),
        total_revenue=Coalesce(Sum("revenue"), ZERO),
    )


CSV_COLUMNS = [
    ("name", "Merchant"), ("org_number", "Org.nr"), ("package_name", "Package"), ("orders", "Transferred orders"),
    ("quota", "Quota"), ("used_pct", "% used"), ("overage", "Overage orders"), ("monthly_fee", "Monthly fee (SEK)"),
    ("extra_shops_fee", "Extra webshops (SEK)"), ("overage_fee", "Overage (SEK)"), ("revenue", "Total (SEK)"),
]
