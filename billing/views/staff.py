"""Staff onboarding: new customers, a customer's page (subscription, checklist, service account,
audit trail), and the actions on it. Only for integration staff (billing.onboard_merchants)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrator.formatting import hours_minutes

from .. import audit, onboarding, subscriptions
from ..forms import (
    CancelForm,
    HourPackPurchaseForm,
    NewCustomerForm,
    PackageChangeForm,
    ResponsibleForm,
    WorkLogForm,
    staff_members,
)
from ..models import HourPurchase, Merchant, Subscription
from ..roles import ONBOARD_PERMISSION
from .home import subscriptions_in_force_today


def staff_only(view):
    return login_required(permission_required(ONBOARD_PERMISSION, raise_exception=True)(view))


@staff_only
def new_customer(request):
    form = NewCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = onboarding.NewCustomer(
            name=data["name"],
            org_number=data["org_number"],
            owner_email=data["owner_email"],
            plan=form.plan(),
            responsible=data.get("responsible"),
        )
        merchant = onboarding.onboard(customer, request.user)
        messages.success(
            request, _("%(merchant)s is created and its owner is invited by e-mail.") % {"merchant": merchant.name}
        )
        return redirect("billing:staff_merchant", merchant_id=merchant.pk)
    return render(request, "billing/staff_new_customer.html", {"form": form})


def _customer_context(merchant: Merchant, **forms) -> dict:
    balance = onboarding.service_balance_minutes(merchant)
    return {
        **{k: v for k, v in forms.items() if k.endswith("_preview") or k == "choice"},
        "merchant": merchant,
        "subscriptions": Subscription.history.filter(merchant=merchant)
        .select_related("package", "withdrawn_by", "created_by")
        .order_by("-start_date", "-created_at"),
        "today": timezone.localdate(),
        "responsible_form": forms.get("responsible_form") or ResponsibleForm(prefix="responsible", instance=merchant),
        "checklist": onboarding.checklist(merchant),
        "balance_minutes": balance,
        "purchases": merchant.hour_purchases.select_related("hour_pack", "created_by"),
        "work_logs": merchant.work_logs.select_related("staff"),
        "connections": merchant.connections.all(),
        "members": merchant.memberships.select_related("user"),
        "trail": audit.trail(merchant.pk, limit=30),
        "change_form": forms.get("change_form") or PackageChangeForm(prefix="change"),
        "cancel_form": forms.get("cancel_form") or CancelForm(prefix="cancel"),
        "work_form": forms.get("work_form") or WorkLogForm(prefix="work"),
        "hours_form": forms.get("hours_form") or HourPackPurchaseForm(prefix="hours"),
    }


@staff_only
def customer(request, merchant_id):
    merchant = get_object_or_404(Merchant, pk=merchant_id)
    return render(request, "billing/staff_customer.html", _customer_context(merchant))


@staff_only
@require_POST
def customer_action(request, merchant_id, action):
    """One POST endpoint per action; an invalid form re-renders the page with its errors."""
    merchant = get_object_or_404(Merchant, pk=merchant_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    invalid = handler(request, merchant)
    if invalid:
        status = invalid.pop("status", 400)
        return render(request, "billing/staff_customer.html", _customer_context(merchant, **invalid), status=status)
    return redirect("billing:staff_merchant", merchant_id=merchant.pk)


def _change_package(request, merchant):
    """First the preview (the resulting timeline, the conflicts to choose for); saved only when
    the staff member confirms that very preview."""
    form = PackageChangeForm(request.POST, prefix="change")
    if not form.is_valid():
        return {"change_form": form}
    choice = request.POST.get("choice", "")
    try:
        preview = subscriptions.preview_change(merchant, form.plan(), choice)
    except ValidationError as error:
        form.add_error(None, error)
        return {"change_form": form}
    if preview.refused:
        form.add_error(None, preview.refused)
        return {"change_form": form, "change_preview": preview}
    # Confirmed only what was shown: a choice changed since the preview shows its own timeline first.
    shown = request.POST.get("previewed", "")
    confirmed = request.POST.get("confirm") == "1" and (
        not preview.conflicts or (choice in preview.choices and shown == choice)
    )
    if not confirmed:
        return {"change_form": form, "change_preview": preview, "choice": choice, "status": 200}
    try:
        subscriptions.change_package(merchant, form.plan(), choice, user=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return {"change_form": form}
    messages.success(
        request, _("The package changes from %(date)s.") % {"date": date_format(form.cleaned_data["from_date"])}
    )


def _cancel(request, merchant):
    form = CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        return {"cancel_form": form}
    preview = subscriptions.preview_cancel(merchant, form.cleaned_data["notice_on"])
    if preview.refused:
        form.add_error(None, preview.refused)
        return {"cancel_form": form}
    if request.POST.get("confirm") != "1":
        return {"cancel_form": form, "cancel_preview": preview, "status": 200}
    try:
        ended = subscriptions.cancel(merchant, form.cleaned_data["notice_on"], user=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return {"cancel_form": form}
    messages.success(
        request, _("Cancelled: the subscription ends on %(date)s.") % {"date": date_format(ended.end_date)}
    )


def _responsible(request, merchant):
    form = ResponsibleForm(request.POST, prefix="responsible", instance=merchant)
    if not form.is_valid():
        return {"responsible_form": form}
    form.save()
    messages.success(request, _("Saved."))


def _log_work(request, merchant):
    form = WorkLogForm(request.POST, prefix="work")
    if not form.is_valid():
        return {"work_form": form}
    entry = form.save(commit=False)
    entry.merchant, entry.staff = merchant, request.user
    entry.save()
    messages.success(request, _("%(duration)s logged.") % {"duration": hours_minutes(entry.minutes)})


def _buy_hours(request, merchant):
    form = HourPackPurchaseForm(request.POST, prefix="hours")
    if not form.is_valid():
        return {"hours_form": form}
    pack = form.cleaned_data["hour_pack"]
    HourPurchase.objects.create(
        merchant=merchant,
        kind=HourPurchase.Kind.HOUR_PACK,
        hour_pack=pack,
        hours=pack.hours,
        price=pack.price,
        purchased_on=form.cleaned_data["purchased_on"],
        created_by=request.user,
    )
    messages.success(request, _("%(pack)s added to the service account.") % {"pack": pack})


def _tick(request, merchant):
    step = request.POST.get("step", "")
    if step not in onboarding.STEP_NAMES or onboarding.ticks_itself(step):
        raise Http404
    if request.POST.get("done") == "1":
        onboarding.tick(merchant, step, request.user)
    else:
        onboarding.untick(merchant, step)


def _invite(request, merchant):
    for membership in merchant.memberships.filter(role="owner").select_related("user"):
        transaction.on_commit(lambda user=membership.user: onboarding.invite(user, merchant))
    messages.success(request, _("The invitation is sent again."))


ACTIONS = {
    "change-package": _change_package,
    "cancel": _cancel,
    "log-work": _log_work,
    "responsible": _responsible,
    "buy-hours": _buy_hours,
    "tick": _tick,
    "invite": _invite,
}


@staff_only
def customers(request):
    search = request.GET.get("q", "").strip()
    responsible = request.GET.get("responsible", "")
    merchants = Merchant.objects.select_related("responsible").order_by("name")
    if search:
        merchants = merchants.filter(
            Q(name__icontains=search) | Q(org_number__icontains=search) | Q(contact_email__icontains=search)
        )
    if responsible == "me":
        merchants = merchants.filter(responsible=request.user)
    elif responsible == "none":
        merchants = merchants.filter(responsible__isnull=True)
    elif responsible.isdigit():
        merchants = merchants.filter(responsible_id=int(responsible))
    return render(
        request,
        "billing/staff_home.html",
        {
            "rows": subscriptions_in_force_today(merchants[:200]),
            "q": search,
            "responsible": responsible,
            "staff_people": staff_members(),
        },
    )
