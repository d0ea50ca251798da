"""Each role's home page, and the router that sends a user to theirs."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from integrator.tenancy import merchant_view

from ..entitlements import entitlements_for, entitlements_of, subscription_in_force
from ..models import Merchant, MonthlyUsage, Package, Subscription
from ..onboarding import service_balance_minutes
from ..periods import month_of
from ..roles import is_billing_admin, is_integration_staff


@login_required
def home(request):
    """Send each user to the home page of their role: staff, billing admin, or their merchant."""
    user = request.user
    if is_integration_staff(user):
        return redirect("billing:staff_home")
    if is_billing_admin(user):
        return redirect("billing:billing_home")
    memberships = list(user.memberships.filter(merchant__is_active=True).select_related("merchant"))
    if len(memberships) == 1:
        return redirect("billing:merchant_home", merchant_id=memberships[0].merchant_id)
    return render(request, "billing/choose_merchant.html", {"memberships": memberships})


@merchant_view
def merchant_home(request):
    merchant = request.merchant
    entitlements = entitlements_for(merchant)
    month = month_of(timezone.localdate())
    orders = MonthlyUsage.objects.filter(merchant=merchant, month=month).values_list("orders", flat=True).first() or 0
    return render(
        request,
        "billing/merchant_home.html",
        {
            "merchant": merchant,
            "subscription": subscription_in_force(merchant),
            "entitlements": entitlements,
            "flow_names": Package.FLOW_CHOICES,
            "month_orders": orders,
            "month_used_pct": round(orders * 100 / entitlements.order_quota) if entitlements.order_quota else None,
            "balance_minutes": service_balance_minutes(merchant),
            "work_logs": merchant.work_logs.all()[:10],
        },
    )


def subscriptions_in_force_today(merchants=None):
    """(merchant, subscription in force today, its entitlements) for each merchant, in two queries."""
    today = timezone.localdate()
    started = Subscription.objects.filter(start_date__lte=today).select_related("package").order_by("-start_date")
    merchants = (merchants if merchants is not None else Merchant.objects.filter(is_active=True)).prefetch_related(
        Prefetch("subscriptions", queryset=started, to_attr="started_subscriptions")
    )
    rows = []
    for merchant in merchants:
        current = next((s for s in merchant.started_subscriptions if s.end_date is None or s.end_date >= today), None)
        rows.append((merchant, current, entitlements_of(current) if current else None))
    return rows
