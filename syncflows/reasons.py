"""Why an order waits or needs a person, in words a merchant understands, with how to fix it.

Stored as codes with parameters on the transfer (`reason_params`) and rendered in the reader's
language; `reason` keeps the text as rendered when it happened (the default language), for
e-mails and for reasons that are an outside system's own words.
"""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# code -> (what is wrong, how to fix it); both %-formatted with the reason's parameters.
CATALOGUE = {
    "currency": (
        _("The shop's currency is %(currency)s, not SEK."),
        _("Specter takes orders in SEK only: set the shop's base currency to SEK in Starweb."),
    ),
    "sku_missing": (
        _("The product “%(product)s” has no article number."),
        _("Give the product (or its variant) an article number in Starweb, then retry."),
    ),
    "sku_space": (
        _("The article number “%(sku)s” contains a space."),
        _("Use a hyphen, an underscore or write it together, in Starweb and in Specter, then retry."),
    ),
    "article_missing": (
        _("No article number is set for %(what)s."),
        _("Enter the article number for %(what)s under Settings → Orders (it must exist in Specter too), then retry."),
    ),
    "delivery_unmapped": (
        _("The delivery method “%(name)s” is not mapped to Specter."),
        _("Map it under Settings → Delivery and payment (Specter's “External key”), then retry."),
    ),
    "payment_unmapped": (
        _("The payment method “%(name)s” is not mapped to Specter."),
        _("Map it under Settings → Delivery and payment, then retry."),
    ),
    "unknown_article": (
        _("Specter does not know an article number on this order (%(detail)s)."),
        _("Create the article in Specter (or correct the number in Starweb), then retry."),
    ),
    "article_unknown": (
        _("Specter does not have the article number %(articles)s yet."),
        _(
            "Create it in Specter (or export the product from the shop): the order goes by itself as soon as "
            "Specter reports the article."
        ),
    ),
    "unreadable": (
        _("The order could not be read: %(field)s."),
        _("Nothing was sent to Specter. Correct the order in Starweb, then retry."),
    ),
    "quantity": (
        _("Row %(row)s has the quantity %(quantity)s: a quantity must be more than zero."),
        _("Nothing was sent to Specter. Correct the row's quantity in Starweb, then retry."),
    ),
    "negative_total": (
        _("The order's amount to pay is below zero (%(amount)s SEK)."),
        _("Nothing was sent to Specter, which takes no order below zero. Correct the order in Starweb, then retry."),
    ),
    "totals": (
        _("The order's rows add up to %(rows)s SEK, but its amount to pay is %(amount)s SEK."),
        _("Nothing was sent to Specter. Correct the order's rows, discounts or shipping in Starweb, then retry."),
    ),
    "order_gone": (_("The order no longer exists in Starweb."), _("Nothing was sent to Specter.")),
    "credentials": (
        _("%(system)s refused the credentials."),
        _("Check them under Settings; the order is retried automatically."),
    ),
    "paused": (_("The connection is paused."), _("The order goes when it is resumed.")),
    "deactivated": (
        _("The connection is deactivated."),
        _("Nothing was sent. When the connection is activated again, you choose whether this order goes."),
    ),
    "circuit": (
        _("%(system)s is not answering for this account."),
        _("The order waits with the others and goes as soon as it answers; we ask once a minute."),
    ),
    "quota": (
        _("The month's order quota is reached and the subscription holds orders over it."),
        _("It goes as soon as the quota allows: upgrade the package, or wait for the new month."),
    ),
    "export_inactive": (_("Order export is inactive in the settings."), _("Press Export to send this order anyway.")),
    "export_manual": (_("Orders are exported manually in the settings."), _("Press Export to send this order.")),
    "status": (_("The order's status is not one that triggers a transfer."), _("It goes when it gets one.")),
    # Errors on the way (syncflows.timeline.describe), each with what happens next.
    "rate": (_("%(system)s asked us to slow down."), _("We try again when it allows; nothing is needed from you.")),
    "uncertain": (
        _("%(system)s's answer was lost, so we do not know whether the order arrived."),
        _("We look in Specter before sending again, so it is never created twice."),
    ),
    "server": (
        _("%(system)s answered with a server error (HTTP %(status)s)."),
        _("We try again automatically; nothing is needed from you."),
    ),
    "unreachable": (
        _("%(system)s could not be reached."),
        _("We try again automatically; nothing is needed from you."),
    ),
    "refused": (_("%(system)s refused it: %(message)s"), _("Correct what it says, then retry.")),
    "address_blocked": (
        _("%(system)s's address leads into a private network, where we never send anything."),
        _("Enter its public address under Settings (Specter's address is ours: then contact us), then retry."),
    ),
    "address_redirect": (
        _("%(system)s answered with a redirect, which we never follow: it could take your credentials elsewhere."),
        _("Enter the address it leads to under Settings (Specter's address is ours: then contact us), then retry."),
    ),
    "internal": (_("An error on our side stopped the order."), _("It is retried automatically.")),
    "gave_up": (_("We stopped trying after %(attempts)s attempts."), _("Press Retry once the cause is fixed.")),
}
WHAT = {
    "gift card": _("gift cards"),
    "discounts": _("discounts"),
    "shipping": _("shipping"),
    "payment fee": _("payment fees"),
    "cash on delivery": _("cash on delivery"),
    "rounding": _("rounding"),
}
# Starweb's order fields, as a merchant calls them (the "unreadable" reason names one).
FIELDS = {
    "quantity": _("quantity"),
    "unitPrice": _("price"),
    "vatRate": _("VAT rate"),
    "discount": _("discount"),
    "discountType": _("discount type"),
    "amountToPay": _("amount to pay"),
    "paymentFee": _("payment fee"),
    "paymentVatRate": _("VAT rate of the payment fee"),
    "shippingCost": _("shipping cost"),
    "shippingVatRate": _("VAT rate of the shipping"),
    "item": _("row"),
    "items": _("rows"),
    "addresses": _("addresses"),
    "address": _("address"),
    "customer": _("customer"),
    "": _("the answer is not an order"),
}
MONEY = ("amount", "rows")


def _param(key, value, params):
    """A parameter as the reader reads it: the field named in words, money in their number format."""
    if key == "what":
        return WHAT.get(value, value)
    if key == "field":
        label = FIELDS.get(value, value)
        return _("%(field)s of row %(row)s") % {"field": label, "row": params["row"]} if params.get("row") else label
    if key in MONEY:
        try:
            return number_format(Decimal(str(value)), 2, use_l10n=True)
        except (InvalidOperation, ValueError):
            return value
    return value


def render(items) -> str:
    """[(code, params), ...] as text in the active language, one line each."""
    lines = []
    for code, params in items:
        what, fix = CATALOGUE[code]
        raw = params or {}
        params = {k: _param(k, v, raw) for k, v in raw.items()}
        lines.append(f"{what % params} {fix % params}")
    return "\n".join(lines)


def stored(*items) -> dict:
    """The fields a transfer stores for these reasons: code of the first, parameters, text."""
    items = [(code, dict(params or {})) for code, params in items]
    return {"reason_code": items[0][0], "reason_params": [[c, p] for c, p in items], "reason": render(items)}
