"""Billing admins: the month's dashboard (sortable, filterable, paginated, totals, CSV), a
merchant's invoice preview with its 12-month chart, and the editable catalogue."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrator.formatting import csv_number

from .. import closing, dashboard
from ..forms import DashboardFilterForm, HourPackForm, PackageForm, PackageVersionForm, month_choices
from ..invoice import chart_data, history, invoice_preview
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
        search=data.get("q", ""),
        package=data.get("package", ""),
        over_quota=data.get("over_quota", False),
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
            "form": form,
            "month": month,
            "months": month_choices(month_of(timezone.localdate())),
            "rows": page_rows,
            "totals": totals,
            "page": page,
            "pages": pages,
            "sort": filters.sort,
            "query": urlencode(query),
            "page_query": urlencode({**query, "sort": filters.sort}),
            "closed": closing.is_closed(month),
            "closable": closing.closable() == month,
        },
    )


@billing_only
@require_POST
def close_month(request):
    month = parse_month(request.POST.get("month"), None)
    if month is None:
        messages.error(request, _("Choose the month to close."))
        return redirect("billing:billing_home")
    try:
        count = closing.close(month, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(month)s is closed: the figures of %(count)s customers are frozen.")
            % {"month": date_format(month, "F Y"), "count": count},
        )
    return redirect(f"{reverse('billing:billing_home')}?month={month:%Y-%m}")


class _Echo:
    def write(self, value):
        return value


@billing_only
def dashboard_csv(request):
    """Every row of the filtered month, streamed (two queries however many merchants)."""
    month, filters, _form = _month_and_filters(request)
    rows = dashboard.apply(dashboard.billed_merchants(month), filters)
    writer = csv.writer(_Echo(), delimiter=";")  # Swedish Excel opens ;-separated files directly

    # In the reader's language, numbers with its decimal mark and no grouping (formatting.csv_number),
    # so Swedish Excel opens `1,5` as a number; the totals row adds up exactly what the page shows.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield from _lines()

    def _lines():
        yield "\ufeff"  # BOM, so Excel reads UTF-8 (å, ä, ö)
        yield writer.writerow([_("Month")] + [str(title) for _field, title, _decimals in dashboard.CSV_COLUMNS])
        for row in rows.iterator(chunk_size=2000):
            values = []
            for field, _title, decimals in dashboard.CSV_COLUMNS:
                value = getattr(row, field)
                values.append("" if value is None else (value if decimals is None else csv_number(value, decimals)))
            yield writer.writerow([month.strftime("%Y-%m")] + values)
        figures = dashboard.totals(rows)
        total = {
            "orders": figures["total_orders"],
            "overage": figures["total_overage"],
            "overage_fee": figures["overage_revenue"],
            "revenue": figures["total_revenue"],
        }
        yield writer.writerow(
            [_("Sum of all rows")]
            + [
                csv_number(total[field], decimals) if field in total else ""
                for field, _t, decimals in dashboard.CSV_COLUMNS
            ]
        )

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
            "merchant": merchant,
            "month": month,
            "invoice": invoice_preview(merchant, month),
            "history": months,
            "chart": chart_data(months),
        },
    )


@billing_only
def catalogue(request):
    current = month_of(timezone.localdate())
    packages = list(Package.objects.prefetch_related("versions"))
    rows = []
    for package in packages:
        package._versions = sorted(package.versions.all(), key=lambda v: v.valid_from, reverse=True)
        planned = sorted((v for v in package._versions if v.valid_from > current), key=lambda v: v.valid_from)
        rows.append({"package": package, "terms": package.version_for(current), "planned": planned})
    return render(
        request,
        "billing/catalogue.html",
        {"rows": rows, "hour_packs": HourPack.objects.all(), "flow_names": Package.FLOW_CHOICES},
    )


def _edit(request, instance, form_class, title):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("billing:catalogue")
    return render(request, "billing/catalogue_edit.html", {"form": form, "title": title})


@billing_only
def package_edit(request, code):
    """Price, quota and contents change from a month not yet begun (a new version); the name, sale,
    binding and notice are edited in place."""
    package = get_object_or_404(Package, code=code)
    posted = request.POST if request.method == "POST" else None
    version_form = PackageVersionForm(
        posted if posted and "save-version" in posted else None, package=package, prefix="version"
    )
    package_form = PackageForm(
        posted if posted and "save-package" in posted else None, instance=package, prefix="package"
    )
    if posted and "save-version" in posted and version_form.is_valid():
        version = version_form.save(request.user)
        messages.success(
            request,
            _("%(package)s: the new terms take effect from %(month)s; earlier months keep theirs.")
            % {"package": package.name, "month": date_format(version.valid_from, "F Y")},
        )
        return redirect("billing:catalogue")
    if posted and "save-package" in posted and package_form.is_valid():
        package_form.save()
        messages.success(request, _("Saved."))
        return redirect("billing:catalogue")
    return render(
        request,
        "billing/package_edit.html",
        {
            "package": package,
            "version_form": version_form,
            "package_form": package_form,
            "versions": package.versions.order_by("-valid_from"),
        },
        status=400 if posted else 200,
    )


@billing_only
def hour_pack_edit(request, pk=None):
    pack = get_object_or_404(HourPack, pk=pk) if pk else None
    return _edit(request, pack, HourPackForm, str(pack) if pack else _("New hour pack"))
