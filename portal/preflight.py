"""Before a connection goes live: what would stop orders, each with where to fix it, and the latest
real order exactly as Specter would receive it (a dry run: nothing is sent)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb.types import ParseError, StarwebOrder, name_of
from syncflows import reasons
from syncflows.orders.mapper import map_order, problems


@dataclass
class Finding:
    ok: bool | None  # None: not known yet (still being read)
    title: str
    detail: str = ""
    fix_step: str = ""  # the wizard step (and settings section) where it is fixed
    examples: list[str] = field(default_factory=list)


def check(connection: Connection, starweb, assortment) -> list[Finding]:
    """Every check, all at once: the quick ones now; the assortment's from the worker's reading
    (`assortment`, a syncflows AssortmentCheck), shown as progress while it runs."""
    shop = starweb.shop()
    currency = str(shop.get("baseCurrency") or "")
    findings = [Finding(currency == "SEK", _("The shop's base currency is SEK"), "" if currency == "SEK" else
                        _("It is %(currency)s: change it in Starweb.") % {"currency": currency}, "starweb")]
    findings += _skus(assortment)
    shipping = {str(m["shippingMethodId"]): name_of(m, "shippingMethodId") for m in starweb.shipping_methods()}
    payment = {str(m["paymentMethodId"]): name_of(m, "paymentMethodId") for m in starweb.payment_methods()}
    unmapped_ship = [name for key, name in shipping.items() if key not in connection.delivery_methods]
    unmapped_pay = [name for key, name in payment.items() if key not in connection.payment_methods]
    findings.append(Finding(not unmapped_ship, _("Every delivery method is mapped to Specter"),
                            _("Not mapped: %(names)s") % {"names": ", ".join(unmapped_ship)} if unmapped_ship else "", "methods"))
    findings.append(Finding(not unmapped_pay, _("Every payment method is mapped to Specter"),
                            _("Not mapped: %(names)s") % {"names": ", ".join(unmapped_pay)} if unmapped_pay else "", "methods"))
    missing = [label for name, label in ARTICLES if not getattr(connection, name)]
    findings.append(Finding(not missing, _("Article numbers for shipping, fees, discounts and gift cards are set"),
                            _("Not set: %(names)s") % {"names": ", ".join(missing)} if missing else "", "export"))
    return findings


ARTICLES = [("shipping_article", "frakt"), ("payment_fee_article", "avgift"), ("discount_article", "rabatt"),
            ("gift_card_article", "presentkort"), ("cod_article", "postförskott"), ("rounding_article", "öresavrundning")]


def _skus(assortment) -> list[Finding]:
    if assortment is None or assortment.state != "done":
        done, total = (assortment.done, assortment.total) if assortment else (0, 0)
        detail = assortment.error if assortment is not None and assortment.state == "failed" else ""
        return [Finding(None, _("Reading the assortment: %(done)s of %(total)s products") % {"done": done, "total": total}, detail)]
    counts = assortment.counts
    return [
        Finding(not counts.get("missing"), _("Every product and variant has an article number (%(count)s checked)") % {"count": assortment.variants},
                _("%(n)s without one") % {"n": counts["missing"]} if counts.get("missing") else "", "", assortment.missing),
        Finding(not counts.get("spaced"), _("No article number contains a space"),
                _("%(n)s with a space: use a hyphen or write it together, in Starweb and Specter") % {"n": counts["spaced"]}
                if counts.get("spaced") else "", "", assortment.spaced),
        Finding(not counts.get("duplicated"), _("Every article number is unique"),
                _("%(n)s used twice") % {"n": counts["duplicated"]} if counts.get("duplicated") else "", "", assortment.duplicated),
    ]


def preview(connection: Connection, starweb) -> dict:
    """The shop's latest order as Specter would receive it, or why it cannot be shown."""
    try:
        latest = next(iter(starweb.pages("/orders", {"include": "items,addresses,customer", "sortBy": "modifiedAt", "sortOrder": "desc"})), None)
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
    rows = [{"article_no": r.article_no, "name": r.name, "quantity": _plain(r.quantity), "price": _plain(r.price_ex_vat),
             "vat": _plain(r.vat_percent), "total": r.total} for r in mapped.rows]
    return {"order": order, "customer": mapped.customer, "fields": mapped.order, "rows": rows, "total": mapped.total,
            "matches": mapped.total == order.amount_to_pay}


def _plain(value: Decimal) -> str:
    """As Specter receives it, without trailing zeros, in the reader's number format."""
    return number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)
