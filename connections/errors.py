"""Typed errors raised at the client boundary. Each carries its consequence (design.md §6, §9.2):
callers branch on the type, never on the message. Messages never contain a secret."""


class IntegrationError(Exception):
    """Base: something went wrong talking to an outside system.

    `status` is the HTTP status when there was a response. `system` names the outside system.
    """

    def __init__(self, message: str, *, system: str = "", status: int | None = None):
        super().__init__(message)
        self.system = system
        self.status = status


class Retryable(IntegrationError):
    """Nothing was changed on the other side; try again later. `wait` is the seconds to wait at
    least (from Retry-After), or None to use our own backoff."""

    uses_attempt = True

    def __init__(self, message: str, *, wait: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.wait = wait


class RateLimited(Retryable):
    """429: wait as told. Does not use one of the order's attempts (design.md §3)."""

    uses_attempt = False


class Permanent(IntegrationError):
    """Retrying the same request will fail the same way (validation, not found, bad request)."""


class AddressNotAllowed(Permanent):
    """The address leads somewhere we never send anything (a private network, a redirect): the
    merchant must correct it."""


class AuthenticationFailed(Permanent):
    """The credentials were refused: the merchant must fix them; alert, do not retry blindly."""


class UnknownOutcome(IntegrationError):
    """A write whose response was lost (timeout, reset, malformed answer after sending): it may
    have been committed. Reconcile (look it up) before trying to create it again."""
