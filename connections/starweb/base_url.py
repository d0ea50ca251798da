"""Which Starweb base URLs we accept (design.md §6). A merchant types this URL, and we send the
shop's credentials to it, so a wrong or hostile URL must be refused before any request."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class InvalidBaseUrl(ValueError):
    """The message tells the merchant what a valid URL looks like."""


def validate(url: str) -> str:
    """Return the normalised base URL (no trailing slash) or raise InvalidBaseUrl.

    Production: https, a host name (not an address), path /api/v2; https://<shop>.starwebserver.se/api/v2
    or the shop's own domain. Private, loopback and link-local hosts are refused, unless the
    simulator is enabled (local and test settings), whose shops answer on our own host.
    """
    parts = urlsplit((url or "").strip())
    hint = _("Write it as https://yourshop.starwebserver.se/api/v2")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidBaseUrl(hint)
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidBaseUrl(hint)
    if not parts.path.rstrip("/").endswith("/api/v2"):
        raise InvalidBaseUrl(hint)
    if not settings.SIMULATOR_ENABLED:
        if parts.scheme != "https":
            raise InvalidBaseUrl(_("The address must start with https://."))
        if _is_internal(parts.hostname):
            raise InvalidBaseUrl(_("That address points into a private network."))
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _is_internal(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False  # a name; DNS answers are checked by the network's egress rules, not here
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved or address.is_multicast
