"""Before a connection goes live: what would stop orders, each with where to fix it, and the latest
real order exactly as Specter would receive it (a dry run: nothing is sent)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from connections.errors import IntegrationError
from connections.models import Connection
from connections.settings import SERVICE_ARTICLES
from connections.starweb.types import ParseError, StarwebOrder, name_of
from syncflows import outside_checks, reasons
from syncflows.models import OutsideCheck
from syncflows.orders.mapper import map_order, problems
from syncflows.to_specter import service_articles


@dataclass
class Finding:
    ok: bool | None  # None: not known yet (still being read)
    title: str
    detail: str = ""
    fix_step: str = ""  # the wizard step (and settings section) where it is fixed
    examples: list[str] = field(default_factory=list)
    code: str = ""  # stable name of the check: "activate anyway" names the red ones by it
    create: list[str] = field(default_factory=list)  # service articles we may create in Specter
    checked_at: object = None  # when a worker last asked the outside system for this finding
    running: bool = False  # a worker is asking now: the page polls


def red(findings: list[Finding]) -> list[Finding]:
    """The findings that stop orders (not those still being read)."""
    return [f for f in findings if f.ok is False]


def check(connection: Connection, starweb, assortment, *, live: bool = False) -> list[Finding]:
    """Every check, all at once: the quick ones now; the assortment's from the worker's reading
    (`assortment`, a syncflows AssortmentCheck), shown as progress while it runs. Specter's article
    register is read by a bulk worker for the page (its last answer shown), and at once when `live`
    (activating must not rest on an old answer)."""
    shop = starweb.shop()
    currency = str(shop.get("baseCurrency") or "")
    findings = [
        Finding(
            currency == "SEK",
            _("The shop's base currency is SEK"),
            "" if currency == "SEK" else _("It is %(currency)s: change it in Starweb.") % {"currency": currency},
            "starweb",
            code="currency",
        )
    ]
    findings += _events(connection, starweb)
    findings += _skus(assortment)
    shipping = {str(m["shippingMethodId"]): name_of(m, "shippingMethodId") for m in starweb.shipping_methods()}
    payment = {str(m["paymentMethodId"]): name_of(m, "paymentMethodId") for m in starweb.payment_methods()}
    unmapped_ship = [name for key, name in shipping.items() if key not in connection.delivery_methods]
    unmapped_pay = [name for key, name in payment.items() if key not in connection.payment_methods]
    findings.append(
        Finding(
            not unmapped_ship,
            _("Every delivery method is mapped to Specter"),
            _("Not mapped: %(names)s") % {"names": ", ".join(unmapped_ship)} if unmapped_ship else "",
            "methods",
            code="delivery",
        )
    )
    findings.append(
        Finding(
            not unmapped_pay,
            _("Every payment method is mapped to Specter"),
            _("Not mapped: %(names)s") % {"names": ", ".join(unmapped_pay)} if unmapped_pay else "",
            "methods",
            code="payment",
        )
    )
    findings += _multishop(connection)
    missing = [article.name for article in SERVICE_ARTICLES if not getattr(connection, article.field)]
    findings.append(
        Finding(
            not missing,
            _("Article numbers for shipping, fees, discounts and gift cards are set"),
            _("Not set: %(names)s") % {"names": ", ".join(missing)} if missing else "",
            "export",
            code="articles",
        )
    )
    findings.append(_articles_in_specter(connection, live))
    if connection.status == Connection.Status.PAUSED:
        findings.append(
            Finding(
                False, _("The connection is paused"), _("No order goes to Specter until you resume it."), code="paused"
            )
        )
    return findings


def _events(connection: Connection, starweb) -> list[Finding]:
    """Export order must be "when the order is registered", and a chosen trigger status must exist."""
    mode = connection.export_order
    detail = {
        Connection.OrderExport.INACTIVE: _("Export order is set to Inactive: no order goes to Specter."),
        Connection.OrderExport.MANUAL: _(
            "Export order is set to Manual export: an order goes only when you press Export on it."
        ),
    }.get(mode, "")
    findings = [
        Finding(
            mode == Connection.OrderExport.REGISTERED,
            _("Orders go to Specter when they are registered"),
            detail,
            "events",
            code="export",
        )
    ]
    if connection.trigger_status_ids:
        present = {s.get("statusId") for s in starweb.order_statuses()}
        if not present & set(connection.trigger_status_ids):
            findings.append(
                Finding(
                    False,
                    _("A status that triggers a transfer exists in the shop"),
                    _("None of the chosen statuses exists in the shop any more: no order would go."),
                    "events",
                    code="triggers",
                )
            )
    return findings


def _articles_in_specter(connection: Connection, live: bool) -> Finding:
    numbers = [getattr(connection, article.field) for article in SERVICE_ARTICLES if getattr(connection, article.field)]
    title = _("The article numbers for shipping, fees, discounts and gift cards exist in Specter")
    if not numbers:
        return Finding(None, title, _("Set them first."), "export", code="articles_in_specter")
    checked_at = None
    if live:
        result = service_articles.check(connection, numbers)
    else:
        unknown = service_articles.unknown_here(connection, numbers)
        if not unknown:
            return Finding(True, title, code="articles_in_specter")
        row = outside_checks.ensure(connection, OutsideCheck.Kind.SERVICE_ARTICLES, unknown)
        running = row.state == OutsideCheck.State.RUNNING
        if row.result.get("subject") != unknown or row.finished_at is None:  # no answer for these numbers yet
            detail = (
                _("Reading Specter's article register…")
                if running
                else _("Specter's article register could not be read just now.")
            )
            return Finding(None, title, detail, "export", code="articles_in_specter", running=running)
        checked_at = row.finished_at
        result = service_articles.ArticleCheck(
            missing=[n for n in row.result["missing"] if n in unknown], error=row.result["error"]
        )
    if not result.known:
        return Finding(
            None,
            title,
            _("Specter's article register could not be read just now: %(error)s") % {"error": result.error},
            "export",
            code="articles_in_specter",
            checked_at=checked_at,
        )
    if not result.missing:
        return Finding(True, title, code="articles_in_specter", checked_at=checked_at)
    if service_articles.may_create(connection):
        hint = _(
            "Not found in Specter: %(numbers)s. Create them in Specter with the button below, or correct the numbers."
        )
    else:
        hint = _(
            "Not found in Specter: %(numbers)s. Create them in Specter (Artiklar → Ny artikel), or correct the numbers."
        )
    return Finding(
        False,
        title,
        hint % {"numbers": ", ".join(result.missing)},
        "export",
        code="articles_in_specter",
        create=result.missing if service_articles.may_create(connection) else [],
        checked_at=checked_at,
    )


def _multishop(connection: Connection) -> list[Finding]:
    """Several webshops on one Specter account need API v2 for each (specs/specter-api.md §2.2):
    shown only for a connection that shares its account or carries a webshopId."""
    sharers = list(connection.specter_account_sharers(connection.specter_smb_id)) if connection.specter_smb_id else []
    if not (sharers or connection.specter_webshop_id):
        return []
    not_v2 = [c.name for c in [connection, *sharers] if c.specter_key_kind != Connection.SpecterKeyKind.V2]
    return [
        Finding(
            not not_v2,
            _("Every webshop on this Specter account uses API v2 (multishop)"),
            _("Not API v2: %(names)s") % {"names": ", ".join(not_v2)} if not_v2 else "",
            "specter",
            code="multishop",
        )
    ]


def _skus(assortment) -> list[Finding]:
    if assortment is None or assortment.state != "done":
        done, total = (assortment.done, assortment.total) if assortment else (0, 0)
        detail = assortment.error if assortment is not None and assortment.state == "failed" else ""
        return [
            Finding(
                None,
                _("Reading the assortment: %(done)s of %(total)s products") % {"done": done, "total": total},
                detail,
                code="assortment",
            )
        ]
    counts = assortment.counts
    return [
        Finding(
            not counts.get("missing"),
            _("Every product and variant has an article number (%(count)s checked)") % {"count": assortment.variants},
            _("%(n)s without one") % {"n": counts["missing"]} if counts.get("missing") else "",
            "",
            assortment.missing,
            code="sku_missing",
        ),
        Finding(
            not counts.get("spaced"),
            _("No article number contains a space"),
            _("%(n)s with a space: use a hyphen or write it together, in Starweb and Specter") % {"n": counts["spaced"]}
            if counts.get("spaced")
            else "",
            "",
            assortment.spaced,
            code="sku_spaced",
        ),
        Finding(
            not counts.get("duplicated"),
            _("Every article number is unique"),
            _("%(n)s used twice") % {"n": counts["duplicated"]} if counts.get("duplicated") else "",
            "",
            assortment.duplicated,
            code="sku_duplicated",
        ),
    ]


def dry_run(connection: Connection, starweb) -> dict:
    """The shop's latest order as Specter would receive it, or why it cannot be shown."""
    try:
        latest = next(
            iter(
                starweb.pages(
                    "/orders", {"include": "items,addresses,customer", "sortBy": "modifiedAt", "sortOrder": "desc"}
                )
            ),
            None,
        )
    except IntegrationError as error:
        return {"error": str(error)}
    if latest is None:
        return {"error": _("The shop has no order yet. Place a test order to see one here.")}
    try:
        order = StarwebOrder.parse(latest)
    except ParseError as error:
        return {"error": reasons.render([("unreadable", {"field": error.field, "row": error.row})])}
    settings = connection.export_settings
    found = problems(order, settings)
    if found:
        return {"order": order, "problems": found}
    mapped = map_order(order, settings)
    rows = [
        {
            "article_no": r.article_no,
            "name": r.name,
            "quantity": _plain(r.quantity),
            "price": _plain(r.price_ex_vat),
            "vat": _plain(r.vat_percent),
            "total": r.total,
        }
        for r in mapped.rows
    ]
    return {
        "order": order,
        "customer": mapped.customer,
        "fields": mapped.order,
        "rows": rows,
        "total": mapped.total,
        "matches": mapped.total == order.amount_to_pay,
    }


def _plain(value: Decimal) -> str:
    """As Specter receives it, without trailing zeros, in the reader's number format."""
    return number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)


def not_exporting(connection: Connection) -> list[str]:
    """In plain words, why orders are not going to Specter now (empty: they are), from what we hold
    ourselves, without calling either system (the overview shows it on every visit)."""
    reasons = []
    status = connection.status
    if status == Connection.Status.DRAFT:
        reasons.append(_("The connection is not activated yet: no order goes to Specter until you activate it."))
    elif status == Connection.Status.PAUSED:
        reasons.append(_("The connection is paused: orders are kept here and go to Specter when you resume."))
    elif status == Connection.Status.INACTIVE:
        reasons.append(_("The connection is deactivated: the shop no longer sends us orders."))
    if connection.export_order == Connection.OrderExport.INACTIVE:
        reasons.append(_("Export order is set to Inactive in the settings (Events): no order goes to Specter."))
    elif connection.export_order == Connection.OrderExport.MANUAL:
        reasons.append(
            _(
                "Export order is set to Manual export in the settings (Events): an order goes only when you "
                "press Export on it."
            )
        )
    if connection.credentials_failed_at:
        reasons.append(
            _("%(system)s refuses our credentials: orders wait until they are corrected in the settings.")
            % {"system": connection.credentials_failed_system.capitalize() or "Specter"}
        )
    return reasons
