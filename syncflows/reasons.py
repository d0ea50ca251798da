"""Why an order waits or needs a person, in words a merchant understands, with how to fix it.

Stored as codes with parameters on the transfer (`reason_params`) and rendered in the reader's
language; `reason` keeps the text as rendered when it happened (the default language), for
e-mails and for reasons that are an outside system's own words.
"""

from django.utils.translation import gettext_lazy as _

# code -> (what is wrong, how to fix it); both %-formatted with the reason's parameters.
CATALOGUE = {
    "currency": (_("The shop's currency is %(currency)s, not SEK."),
                 _("Specter takes orders in SEK only: set the shop's base currency to SEK in Starweb.")),
    "sku_missing": (_("The product “%(product)s” has no article number."),
                    _("Give the product (or its variant) an article number in Starweb, then retry.")),
    "sku_space": (_("The article number “%(sku)s” contains a space."),
                  _("Use a hyphen, an underscore or write it together, in Starweb and in Specter, then retry.")),
    "article_missing": (_("No article number is set for %(what)s."),
                        _("Enter the article number for %(what)s under Settings → Orders (it must exist in Specter too), then retry.")),
    "delivery_unmapped": (_("The delivery method “%(name)s” is not mapped to Specter."),
                          _("Map it under Settings → Delivery and payment (Specter's “External key”), then retry.")),
    "payment_unmapped": (_("The payment method “%(name)s” is not mapped to Specter."),
                         _("Map it under Settings → Delivery and payment, then retry.")),
    "unknown_article": (_("Specter does not know an article number on this order (%(detail)s)."),
                        _("Create the article in Specter (or correct the number in Starweb), then retry.")),
    "order_gone": (_("The order no longer exists in Starweb."), _("Nothing was sent to Specter.")),
    "credentials": (_("%(system)s refused the credentials."),
                    _("Check them under Settings; the order is retried automatically.")),
    "paused": (_("The connection is paused."), _("The order goes when it is resumed.")),
    "circuit": (_("%(system)s is not answering for this account."),
                _("The order waits with the others and goes as soon as it answers; we ask once a minute.")),
    "quota": (_("The month's order quota is reached and the subscription holds orders over it."),
              _("It goes as soon as the quota allows: upgrade the package, or wait for the new month.")),
    "export_inactive": (_("Order export is inactive in the settings."), _("Press Export to send this order anyway.")),
    "export_manual": (_("Orders are exported manually in the settings."), _("Press Export to send this order.")),
    "status": (_("The order's status is not one that triggers a transfer."), _("It goes when it gets one.")),
}
WHAT = {"gift card": _("gift cards"), "discounts": _("discounts"), "shipping": _("shipping"),
        "payment fee": _("payment fees"), "cash on delivery": _("cash on delivery")}


def render(items) -> str:
    """[(code, params), ...] as text in the active language, one line each."""
    lines = []
    for code, params in items:
        what, fix = CATALOGUE[code]
        params = {k: (WHAT.get(v, v) if k == "what" else v) for k, v in (params or {}).items()}
        lines.append(f"{what % params} {fix % params}")
    return "\n".join(lines)


def stored(*items) -> dict:
    """The fields a transfer stores for these reasons: code of the first, parameters, text."""
    items = [(code, dict(params or {})) for code, params in items]
    return {"reason_code": items[0][0], "reason_params": [[c, p] for c, p in items], "reason": render(items)}
