"""Where a merchant goes from an order: the order in Starweb's admin, and the setting that fixes
what stops it."""

from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The settings section (portal.steps) that fixes each reason code (syncflows.reasons).
FIX_SECTION = {
    "delivery_unmapped": "methods",
    "payment_unmapped": "methods",
    "article_missing": "export",
    "export_inactive": "events",
    "export_manual": "events",
    "status": "events",
}
SECTION_LABEL = {
    "methods": _("Settings → Delivery and payment"),
    "export": _("Settings → Orders"),
    "events": _("Settings → Events"),
    "specter": _("Settings → Specter"),
    "starweb": _("Settings → Starweb"),
}


def starweb_order(connection, order_id) -> str:
    """The order in the shop's admin, or '' when the shop's address is not known.

    Assumption (the specs give no admin URLs): a shop's admin lives at /admin on the host of its
    API address, with an order at /admin/orders/<orderId>. Isolated here so it is changed in one place.
    """
    parts = urlsplit(connection.starweb_base_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    root = parts.path.split("/api/")[0].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{root}/admin/orders/{order_id}"


def fix_for(merchant, connection, transfer) -> dict | None:
    """{"url", "label"} of the setting that fixes the order's first reason, or None."""
    codes = [code for code, _params in (transfer.reason_params or [])] or [transfer.reason_code]
    for code, params in [(c, p) for c, p in (transfer.reason_params or [])] or [(transfer.reason_code, {})]:
        section = FIX_SECTION.get(code)
        if code == "credentials":
            section = "specter" if str((params or {}).get("system", "")).lower() == "specter" else "starweb"
        if (
            code in ("address_blocked", "address_redirect")
            and str((params or {}).get("system", "")).lower() == "starweb"
        ):
            section = "starweb"  # the shop's API address is the merchant's; Specter's is ours
        if section:
            url = (
                reverse("portal:settings", kwargs={"merchant_id": merchant.pk, "connection_id": connection.pk})
                + f"#{section}"
            )
            return {"url": url, "label": SECTION_LABEL[section]}
    if "paused" in codes:
        return {
            "url": reverse("portal:dashboard", kwargs={"merchant_id": merchant.pk, "connection_id": connection.pk})
            + "#lifecycle",
            "label": _("Overview → Resume"),
        }
    return None
