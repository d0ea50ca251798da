"""The one HTTP seam every outside client uses: a requests.Session with timeouts, TLS verification
and a User-Agent, and the mapping of transport failures to typed errors with secrets redacted.

Retries are owned by us (the ledger and the clients), never hidden inside urllib3.
"""

import re
import time
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

import requests
from django.conf import settings

from .egress import BlockedAddress, CheckedAdapter
from .errors import AddressNotAllowed, IntegrationError, Permanent, RateLimited, Retryable, UnknownOutcome

USER_AGENT = "integrator/0.1 (+Starweb-Specter integration service)"
MASK = "***"


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    # Where we connect is ours to decide: no proxy or netrc from the environment (a proxy would
    # hide where the connection goes), and every connection's resolved addresses are checked
    # (egress.py). TLS is verified, against settings.HTTP_CA_BUNDLE when one is set.
    session.trust_env = False
    session.verify = settings.HTTP_CA_BUNDLE or True
    for prefix in ("https://", "http://"):
        session.mount(prefix, CheckedAdapter())
    return session


_SHORT: ContextVar[tuple[float, float] | None] = ContextVar("http_short_timeouts", default=None)


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds from settings, far below the task timeout (shorter inside short_timeouts)."""
    return _SHORT.get() or (settings.HTTP_CONNECT_TIMEOUT, settings.HTTP_READ_TIMEOUT)


@contextmanager
def short_timeouts(connect: float, read: float):
    """For probes made while a person waits for a page: a slow system is reported, not waited for."""
    token = _SHORT.set((connect, read))
    try:
        yield
    finally:
        _SHORT.reset(token)


# Query-string and form parameters whose values are secrets wherever they appear.
_SECRET_PARAMS = re.compile(
    r"(?i)\b(key|md5key|client_secret|access_token|refresh_token|password|signature|token)=([^&\s\"']+)"
)
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")


# Our webhook and callback URLs carry a secret as the path segment after /hooks/<system>/<endpoint>/,
# also percent-encoded (a callback URL sent to Specter as a query parameter).
_HOOK_TOKEN = re.compile(r"(?i)(hooks(?:/|%2F)(?:starweb|specter)(?:/|%2F)[^/\s?#%]+(?:/|%2F))[^/\s?#\"'%&<>]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with known secret values, secret-looking parameters, bearer tokens and the
    tokens of our hook URLs masked."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _HOOK_TOKEN.sub(lambda m: m.group(1) + MASK, text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form); None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    system: str,
    mutating: bool,
    secrets: Iterable[str] = (),
    **kwargs,
) -> requests.Response:
    """Send one request and return the response of any status; transport failures become typed errors.

    Raises:
        Retryable: the request cannot have reached the server (connect failure or connect timeout),
            or a read timed out / the connection broke on a request that changes nothing.
        UnknownOutcome: a `mutating` request was sent and its answer was lost (read timeout, reset).
        AddressNotAllowed: the host resolves into a private network, or the answer is a redirect
            (never followed: it could lead our credentials anywhere).
    Exception texts have the URL and every secret redacted; the original is not chained.
    """
    secrets = tuple(secrets)
    kwargs.setdefault("timeout", timeouts())
    kwargs["allow_redirects"] = False
    try:
        response = _request(session, method, url, kwargs)
    except BlockedAddress:
        error: IntegrationError = AddressNotAllowed(f"{system}: the address is not one we connect to", system=system)
    except requests.ConnectTimeout:
        error = Retryable(f"{system}: connect timeout", system=system)
    except requests.ReadTimeout:
        error = (UnknownOutcome if mutating else Retryable)(f"{system}: no answer in time", system=system)
    except requests.ConnectionError as exc:
        # A refused connection never reached the server; a reset or broken answer may have.
        kind = UnknownOutcome if (mutating and _was_sent(exc)) else Retryable
        error = kind(f"{system}: connection failed ({redact(type(exc).__name__, secrets)})", system=system)
    except requests.exceptions.ChunkedEncodingError:
        error = (UnknownOutcome if mutating else Retryable)(f"{system}: the answer broke off", system=system)
    except requests.RequestException as exc:
        error = Permanent(f"{system}: request failed: {redact(str(exc), secrets)}", system=system)
    else:
        if not response.is_redirect:
            return response
        error = AddressNotAllowed(
            f"{system}: answered with a redirect, which we do not follow", system=system, status=response.status_code
        )
    raise error from None


REFUSED_RETRY_SECONDS = 0.2


def _request(session: requests.Session, method: str, url: str, kwargs: dict) -> requests.Response:
    """One request; a connection refused is tried once more after a moment, whatever the method:
    it never reached the server (a listener's full queue, a restart), so repeating it cannot do
    anything twice, and it spares the work a retry round of the ledger's backoff. Anything else,
    a connect timeout included, is the caller's to retry."""
    try:
        return session.request(method, url, **kwargs)
    except requests.ConnectionError as exc:
        if isinstance(exc, requests.ConnectTimeout) or _was_sent(exc):
            raise
    time.sleep(REFUSED_RETRY_SECONDS)
    return session.request(method, url, **kwargs)


def _was_sent(exc: requests.ConnectionError) -> bool:
    """Whether the request may have reached the server: anything but a failure to connect."""
    text = str(exc)
    never_sent = ("Failed to establish a new connection", "Connection refused", "Name or service not known")
    return not any(marker in text for marker in never_sent)


def raise_for_status(response: requests.Response, *, system: str, mutating: bool) -> None:
    """Map an HTTP error status to a typed error; return quietly for 2xx/3xx.

    429 → RateLimited (wait from Retry-After); 5xx → Retryable, except that a 5xx answer to a
    write is UnknownOutcome (a gateway may answer 502/504 after the backend committed);
    401/403 and other 4xx are left to the client, which knows what they mean, so here → Permanent.
    """
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        raise RateLimited(
            f"{system}: rate limited",
            system=system,
            status=status,
            wait=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 500:
        kind = UnknownOutcome if (mutating and status in (502, 504)) else Retryable
        raise kind(f"{system}: server error {status}", system=system, status=status)
    raise Permanent(f"{system}: request refused with {status}", system=system, status=status)
