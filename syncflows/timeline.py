"""The order timeline in the reader's language: each attempt stores a code and its parameters
(TransferAttempt.detail_code / detail_params), rendered here when a page is read; `summary` keeps
the English text as it happened (staff, logs, rows from before codes existed).

Errors are described by their type and HTTP status (design.md §9.2), never by their text; an
outside system's own refusal is kept in its own words.
"""

from django.utils.translation import gettext_lazy as _

from connections.errors import (
    AddressNotAllowed,
    AuthenticationFailed,
    IntegrationError,
    Permanent,
    RateLimited,
    UnknownOutcome,
)
from integrator.formatting import money

PHASES = {
    "fetch": _("Read from Starweb"),
    "reconcile": _("Looked for it in Specter"),
    "articles": _("Articles in Specter"),
    "customer": _("Customer in Specter"),
    "order": _("Order to Specter"),
    "invoice": _("Invoice in Specter"),
    "write_back": _("Specter number to the shop"),
    "status": _("Status in the shop"),
}

DETAILS = {
    "fetched": _("order %(order)s, status %(status)s, %(amount)s"),
    "found": _("already in Specter as order %(order)s"),
    "not_found": _("not in Specter yet"),
    "customer": _("customer number %(customer)s"),
    "order": _("order %(order)s, %(rows)s rows, %(total)s"),
    "order_unknown_articles": _(
        "order %(order)s, %(rows)s rows, %(total)s; Specter took it but does not know %(articles)s"
    ),
    "articles_created": _("created in Specter: %(articles)s"),
    "articles_register_read": _("Specter's article register read"),
    "articles_register_read_missing": _("Specter's article register read; not in Specter: %(articles)s"),
    "articles_register_recent": _("Specter's article register read within the last minutes"),
    "articles_register_recent_missing": _(
        "Specter's article register read within the last minutes; not in Specter: %(articles)s"
    ),
    "articles_unlisted": _("Specter's article register cannot be listed: Specter's answer to the order decides"),
    "invoice": _("invoice %(invoice)s"),
    "write_back": _("the shop shows Specter's order number %(order)s"),
    "status": _("status %(status)s set"),
    # Errors (describe()).
    "rate": _("%(system)s asked us to slow down; we wait as it says"),
    "uncertain": _("%(system)s's answer was lost; we look in Specter before sending again"),
    "server": _("%(system)s answered with a server error (HTTP %(status)s)"),
    "unreachable": _("%(system)s could not be reached"),
    "credentials": _("%(system)s refused the credentials"),
    "address_blocked": _("%(system)s's address leads into a private network: nothing was sent"),
    "address_redirect": _("%(system)s answered with a redirect, which we never follow"),
    "refused": _("%(system)s refused it: %(message)s"),
    "internal": _("an error on our side; it is retried automatically"),
}


def system_name(system: str) -> str:
    return (system or "API").capitalize()


def describe(error: Exception) -> tuple[str, dict]:
    """A typed error as (code, parameters) for DETAILS and syncflows.reasons."""
    if not isinstance(error, IntegrationError):
        return "internal", {}
    system = system_name(error.system)
    if isinstance(error, RateLimited):
        return "rate", {"system": system}
    if isinstance(error, UnknownOutcome):
        return "uncertain", {"system": system}
    if isinstance(error, AddressNotAllowed):  # a redirect has a status; a blocked address never got one
        return ("address_redirect" if error.status else "address_blocked"), {"system": system}
    if isinstance(error, AuthenticationFailed):
        return "credentials", {"system": system}
    if isinstance(error, Permanent):
        text = str(error)
        prefix = f"{error.system}: "
        return "refused", {"system": system, "message": text[len(prefix) :] if text.startswith(prefix) else text}
    if error.status and error.status >= 500:
        return "server", {"system": system, "status": error.status}
    return "unreachable", {"system": system}


def phase_label(phase: str) -> str:
    return str(PHASES.get(phase, phase))


def render(code: str, params: dict | None, fallback: str = "") -> str:
    """The attempt's detail in the active language; `fallback` when the code is not ours."""
    template = DETAILS.get(code)
    if template is None:
        return fallback
    params = dict(params or {})
    for key in ("amount", "total"):
        if isinstance(params.get(key), dict):  # {"value": "123.00", "currency": "SEK"}
            params[key] = money(params[key].get("value"), params[key].get("currency") or "SEK")
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return fallback
