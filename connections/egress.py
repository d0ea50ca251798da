"""Where our HTTP clients may connect: checked when the connection is made, not only when an address
is saved (connections/starweb/base_url.py), because a name can resolve to anything at any time.

Every connection resolves the host once, refuses it if ANY of its addresses is not public
(private, loopback, link-local, shared 100.64/10, multicast, reserved, unspecified, documentation,
and those same ranges hidden in IPv4-mapped, 6to4, Teredo or NAT64 IPv6 forms), and then connects
to exactly the addresses it checked, so a second DNS answer (rebinding) never gets a say. TLS
still verifies the certificate against the host name.

settings.OUTBOUND_ALLOW_LOOPBACK (local and test settings only) lets loopback through, for the
simulator on our own host; nothing else is ever allowed.
"""

import ipaddress
import socket
import sys

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Beyond what this Python's is_global already refuses (its list grows between versions).
_ALSO_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "64:ff9b:1::/48",
        "2001::/23",
        "2001:db8::/32",
    )
]


class BlockedAddress(Exception):
    """The host resolves to an address we never connect to. Deliberately not an OSError, so that
    neither urllib3 nor requests takes it for a network failure worth retrying."""


def is_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether we may connect to `address`."""
    for inner in _embedded(address):
        if settings.OUTBOUND_ALLOW_LOOPBACK and inner.is_loopback:
            continue
        if not inner.is_global or inner.is_multicast or inner.is_reserved or inner.is_unspecified:
            return False
        if any(inner.version == net.version and inner in net for net in _ALSO_REFUSED):
            return False
    return True


def _embedded(address):
    """The address itself and every IPv4 address an IPv6 form carries inside it."""
    yield address
    if address.version != 6:
        return
    if address.ipv4_mapped:
        yield address.ipv4_mapped
    if address.sixtofour:
        yield address.sixtofour
    if address.teredo:
        yield from address.teredo
    if address in _NAT64:
        yield ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def checked_addresses(host: str, port: int) -> list[tuple]:
    """getaddrinfo's answers for (host, port), each checked. Raises BlockedAddress if any is not
    allowed (one bad answer among good ones is a sign of trickery, not a fallback), socket.gaierror
    when the name does not resolve."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    for *_rest, sockaddr in infos:
        if not is_allowed(ipaddress.ip_address(sockaddr[0].split("%")[0])):
            raise BlockedAddress(f"{host} resolves to an address we do not connect to")
    return infos


def _connect(conn: HTTPConnection):
    """urllib3's HTTPConnection._new_conn, connecting to the checked addresses themselves."""
    try:
        error = None
        for _family, _type, _proto, _name, sockaddr in checked_addresses(conn._dns_host, conn.port):
            try:
                # A numeric host: no second lookup happens inside create_connection.
                sock = urllib3_connection.create_connection(
                    (sockaddr[0], conn.port),
                    conn.timeout,
                    source_address=conn.source_address,
                    socket_options=conn.socket_options,
                )
                break
            except OSError as exc:
                error = exc
        else:
            raise error or OSError("no address to connect to")
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(
            conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
        ) from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc
    sys.audit("http.client.connect", conn, conn.host, conn.port)
    return sock


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _connect(self)


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        return _connect(self)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """requests' adapter with the connect-time address check. Proxies are refused: through one we
    could not see where the connection goes."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise BlockedAddress("outside calls never go through a proxy")
