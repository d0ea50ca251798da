"""What a merchant may use: the one place that decides it, so no two pages disagree. Everything else asks here."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Merchant, Subscription
from .periods import last_day
from .pricing import versioned


@dataclass(frozen=True)
class Entitlements:
    """What a merchant's package in force allows on one day.

    `order_quota` is the month's included orders; None only where a quoted deal left it open.
    """

    package_code: str | None
    flows: frozenset[int]
    order_status: bool
    stock: bool
    price_lists: bool
    multishop: bool
    max_shops: int
    plugins: bool
    key_account_manager: bool
    order_quota: int | None

    @property
    def has_subscription(self) -> bool:
        return self.package_code is not None

    def allows_flow(self, flow: int) -> bool:
        return flow in self.flows


# No subscription in force: nothing may be switched on; orders already in flight are never dropped
# by this (the ledger decides that), they only count as overage.
NOTHING = Entitlements(
    package_code=None,
    flows=frozenset(),
    order_status=False,
    stock=False,
    price_lists=False,
    multishop=False,
    max_shops=0,
    plugins=False,
    key_account_manager=False,
    order_quota=0,
)


def subscription_in_force(merchant: Merchant, on: date | None = None) -> Subscription | None:
    """The subscription in force on `on` (default: today in Europe/Stockholm), or None.

    The latest start date not after `on` wins, so an upgrade from a date replaces the earlier
    package from that date on; an ended subscription is not in force after its end date.
    """
    on = on or timezone.localdate()
    return (
        Subscription.objects.filter(merchant=merchant, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("package")
        .order_by("-start_date", "-created_at")
        .first()
    )


def subscriptions_for_month(merchant, month: date):
    """The subscriptions that could govern a billing month, the governing one first. `merchant` may
    be an id or an OuterRef, so other queries can read the month's terms in the same statement."""
    merchant_id = getattr(merchant, "pk", merchant)
    return (
        Subscription.objects.filter(merchant_id=merchant_id, start_date__lte=last_day(month))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .order_by("-start_date", "-created_at")
    )


def subscription_for_month(merchant: Merchant | str, month: date) -> Subscription | None:
    """The subscription whose quota and fee apply to a billing month: the one in force on the
    month's last day, or, if the merchant left during the month, the last one in force in it."""
    return subscriptions_for_month(merchant, month).select_related("package").first()


@dataclass(frozen=True)
class MonthTerms:
    """What moving an order needs of the month's subscription: read as annotations of another
    query (month_terms), so the order engine spends no statement of its own on it."""

    subscribed: bool
    quota: int | None  # None: a quoted deal without a quota; 0 when not subscribed
    hold_over_quota: bool
    order_status: bool


def month_terms(merchant_ref, month: date) -> dict:
    """Annotations (prefixed `terms_`) that carry the month's MonthTerms on any row with a merchant."""
    governing = subscriptions_for_month(merchant_ref, month)
    return {
        "terms_id": Subquery(governing.values("pk")[:1]),
        "terms_quota": Subquery(
            governing.annotate(q=Coalesce("quoted_orders_per_month", versioned("orders_per_month", month))).values("q")[
                :1
            ]
        ),
        "terms_hold": Subquery(governing.values("hold_over_quota")[:1]),
        "terms_order_status": Subquery(governing.annotate(s=versioned("order_status", month)).values("s")[:1]),
    }


def month_terms_of(row) -> MonthTerms:
    if row.terms_id is None:
        return MonthTerms(subscribed=False, quota=0, hold_over_quota=False, order_status=False)
    return MonthTerms(
        subscribed=True,
        quota=row.terms_quota,
        hold_over_quota=bool(row.terms_hold),
        order_status=bool(row.terms_order_status),
    )


def entitlements_for(merchant: Merchant, on: date | None = None) -> Entitlements:
    """Return what `merchant` may use on `on` (default today). Never raises for a missing subscription."""
    on = on or timezone.localdate()
    subscription = subscription_in_force(merchant, on)
    if subscription is None:
        return NOTHING
    return entitlements_of(subscription, on)


def entitlements_of(subscription: Subscription, on: date | None = None) -> Entitlements:
    """The entitlements a subscription grants on `on` (default today): the contents of the catalogue
    version in force that month (one query for the package's versions, once per instance)."""
    on = on or timezone.localdate()
    package = subscription.terms(on)
    max_shops = subscription.package.included_shops + subscription.extra_shops if package.multishop else 1
    return Entitlements(
        package_code=subscription.package.code,
        flows=frozenset(package.flows),
        order_status=package.order_status,
        stock=package.stock,
        price_lists=package.price_lists,
        multishop=package.multishop,
        max_shops=max_shops,
        plugins=package.plugins,
        key_account_manager=package.key_account_manager,
        order_quota=subscription.orders_per_month_in(on),
    )
