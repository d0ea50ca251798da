"""Each role's home page, and the router that sends a user to theirs."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from integrator.tenancy import merchant_view

from .entitlements import entitlements_for, entitlements_of, subscription_in_force
from .models import Merchant, Package, Subscription
from .roles import BILLING_PERMISSION, ONBOARD_PERMISSION, is_billing_admin, is_integration_staff


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
    return render(
        request,
        "billing/merchant_home.html",
        {
            "merchant": merchant,
            "subscription": subscription_in_force(merchant),
            "entitlements": entitlements_for(merchant),
            "flow_names": Package.FLOW_CHOICES,
        },
    )


def _subscriptions_in_force_today():
    """Every active merchant with the subscription in force today, in two queries."""
    today = timezone.localdate()
    started = Subscription.objects.filter(start_date__lte=today).select_related("package").order_by("-start_date")
    merchants = Merchant.objects.filter(is_active=True).prefetch_related(
        Prefetch("subscriptions", queryset=started, to_attr="started_subscriptions")
    )
    rows = []
    for merchant in merchants:
        current = next(
            (s for s in merchant.started_subscriptions if s.end_date is None or s.end_date >= today), None
        )
        rows.append((merchant, current, entitlements_of(current) if current else None))
    return rows


@login_required
@permission_required(ONBOARD_PERMISSION, raise_exception=True)
def staff_home(request):
    return render(request, "billing/staff_home.html", {"rows": _subscriptions_in_force_today()})


@login_required
@permission_required(BILLING_PERMISSION, raise_exception=True)
def billing_home(request):
    rows = _subscriptions_in_force_today()
    mrr = sum((s.monthly_price or 0) + s.extra_shops * s.package.extra_shop_monthly_price for _m, s, _e in rows if s)
    return render(
        request,
        "billing/billing_home.html",
        {"rows": rows, "mrr": mrr, "packages": Package.objects.all(), "today": timezone.localdate()},
    )
