"""Billing admins: the month's dashboard (sortable, filterable, paginated, totals, CSV), a
merchant's invoice preview with its 12-month chart, and the editable catalogue."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import dashboard
from ..forms import DashboardFilterForm, HourPackForm, PackageForm, month_choices
from ..invoice import chart_data, history, preview
from ..models import HourPack, Merchant, Package
from ..periods import month_of, parse_month
from ..roles import BILLING_PERMISSION

PAGE_SIZE = 50


def billing_only(view):
    return login_required(permission_required(BILLING_PERMISSION, raise_exception=True)(view))


def _month_and_filters(request):
    current = month_of(timezone.localdate())
    form = DashboardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    month = parse_month(request.GET.get("month"), current)
    filters = dashboard.Filters(
        search=data.get("q", ""), package=data.get("package", ""), over_quota=data.get("over_quota", False),
        sort=data.get("sort") or "name",
    )
    return month, filters, form


@billing_only
def dashboard_page(request):
    """Five queries however many merchants: session, user, permissions, menu, and one for a page
    of rows with the totals over all of them (plus one more only for a page past the end)."""
    month, filters, form = _month_and_filters(request)
    rows = dashboard.apply(dashboard.billed_merchants(month), filters)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    page_rows, totals = dashboard.page_with_totals(rows, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    if totals is None:  # no rows, or a page past the end: fall back to the plain totals
        totals = dashboard.totals(rows)
    pages = max(1, -(-totals["merchant_count"] // PAGE_SIZE))
    query = {k: v for k, v in request.GET.items() if k not in ("page", "sort")}
    return render(
        request,
        "billing/dashboard.html",
        {
            "form": form, "month": month, "months": month_choices(month_of(timezone.localdate())),
            "rows": page_rows, "totals": totals,
            "page": page, "pages": pages, "sort": filters.sort, "query": urlencode(query),
            "page_query": urlencode({**query, "sort": filters.sort}),
        },
    )


class _Echo:
    def write(self, value):
        return value


@billing_only
def dashboard_csv(request):
    """Every row of the filtered month, streamed (two queries however many merchants)."""
    month, filters, _form = _month_and_filters(request)
    rows = dashboard.apply(dashboard.billed_merchants(month), filters)
    writer = csv.writer(_Echo(), delimiter=";")  # Swedish Excel opens ;-separated files directly

    def lines():
        yield "\ufeff"  # BOM, so Excel reads UTF-8 (å, ä, ö)
        yield writer.writerow(["Month"] + [title for _field, title in dashboard.CSV_COLUMNS])
        for row in rows.iterator(chunk_size=2000):
            values = []
            for field, _title in dashboard.CSV_COLUMNS:
                value = getattr(row, field)
                values.append("" if value is None else (f"{value:.1f}" if field == "used_pct" else value))
            yield writer.writerow([month.strftime("%Y-%m")] + values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="integrator-billing-{month:%Y-%m}.csv"'
    return response


@billing_only
def invoice_page(request, merchant_id):
    merchant = get_object_or_404(Merchant, pk=merchant_id)
    month = parse_month(request.GET.get("month"), month_of(timezone.localdate()))
    months = history(merchant, month)
    return render(
        request,
        "billing/invoice.html",
        {
            "merchant": merchant, "month": month, "invoice": preview(merchant, month), "history": months,
            "chart": chart_data(months),
        },
    )


@billing_only
def catalogue(request):
    return render(request, "billing/catalogue.html", {"packages": Package.objects.all(), "hour_packs": HourPack.objects.all()})


def _edit(request, instance, form_class, title):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("billing:catalogue")
    return render(request, "billing/catalogue_edit.html", {"form": form, "title": title})


@billing_only
def package_edit(request, code):
    package = get_object_or_404(Package, code=code)
    return _edit(request, package, PackageForm, package.name)


@billing_only
def hour_pack_edit(request, pk=None):
    pack = get_object_or_404(HourPack, pk=pk) if pk else None
    return _edit(request, pack, HourPackForm, str(pack) if pack else _("New hour pack"))
