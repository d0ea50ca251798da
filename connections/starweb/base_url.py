"""Which Starweb base URLs we accept (design.md §6). A merchant types this URL, and we send the
shop's credentials to it, so a wrong or hostile URL must be refused before any request.

The URL is read by the parser that `requests` itself connects with (its URL preparation, then
urllib3's parse_url), and what is stored is rebuilt from those parts: what we checked is what we
connect to. Saving is the first check; connections/guard.py checks every resolved address again
each time we connect, so a name that later resolves into a private network is refused there too.
"""

import ipaddress
import re

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

MAX_LENGTH = 300
# Nothing a Starweb address needs, and each a known way to make two parsers disagree on the host:
# userinfo (@), backslashes, percent-encoding, whitespace and control characters, query, fragment.
_FORBIDDEN = re.compile(r"[@\\%?#\s\x00-\x1f\x7f]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A top-level domain is letters (or an IDN's xn-- form): this refuses every numeric and hex form
# of an IPv4 address that the C resolver would still accept (2130706433, 0x7f000001, 127.1, 0177.0.0.1).
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
# Names that never belong to a shop on the internet (RFC 6761, RFC 8375, mDNS, cloud-internal).
_SPECIAL_SUFFIXES = (
    "localhost",
    "local",
    "internal",
    "intranet",
    "lan",
    "home",
    "corp",
    "home.arpa",
    "arpa",
    "test",
    "invalid",
    "example",
    "onion",
    "localdomain",
)
_PATH = re.compile(r"^(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/api/v2/?$")


class InvalidBaseUrl(ValueError):
    """The message tells the merchant what a valid URL looks like."""


def validate(url: str) -> str:
    """Return the normalised base URL (no trailing slash) or raise InvalidBaseUrl.

    Production: https, a public DNS name (never an IP address in any notation), the default port,
    path .../api/v2; https://<shop>.starwebserver.se/api/v2 or the shop's own domain. Where
    settings.OUTBOUND_ALLOW_LOOPBACK is on (local and test settings, whose simulated shops answer
    on our own host), plain http, a port and a loopback host are accepted as well, and nothing else.
    """
    hint = _("Write it as https://yourshop.starwebserver.se/api/v2")
    raw = (url or "").strip()
    if not raw or len(raw) > MAX_LENGTH or _FORBIDDEN.search(raw):
        raise InvalidBaseUrl(hint)
    try:
        prepared = requests.Request("GET", raw).prepare().url
        parts, typed_port = parse_url(prepared), parse_url(raw).port
    except (requests.RequestException, LocationParseError, ValueError, UnicodeError):
        raise InvalidBaseUrl(hint) from None
    host, path = (parts.host or "").lower(), parts.path or ""
    if parts.scheme not in ("https", "http") or not host or parts.auth or parts.query or parts.fragment:
        raise InvalidBaseUrl(hint)
    if not _PATH.match(path):
        raise InvalidBaseUrl(hint)
    if settings.OUTBOUND_ALLOW_LOOPBACK and is_loopback_host(host):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{path.rstrip('/')}"
    if parts.scheme != "https":
        raise InvalidBaseUrl(_("The address must start with https://."))
    if parts.port is not None or typed_port is not None:
        raise InvalidBaseUrl(_("Leave out the port: the address is https://yourshop.starwebserver.se/api/v2"))
    if not is_public_name(host):
        raise InvalidBaseUrl(_("That address points into a private network."))
    return f"https://{host}{path.rstrip('/')}"


def is_public_name(host: str) -> bool:
    """Whether `host` is a DNS name that can belong to a shop on the internet: ASCII labels, at least
    two, a letters-only top-level domain, no trailing dot, no special-use or internal suffix."""
    if not host or len(host) > 253 or host.endswith("."):
        return False
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return False
    return not any(host == suffix or host.endswith("." + suffix) for suffix in _SPECIAL_SUFFIXES)


def is_loopback_host(host: str) -> bool:
    """localhost, or a loopback address written the one plain way (127.0.0.1, [::1])."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
