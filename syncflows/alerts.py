"""E-mails to a merchant's owners when something needs them, so nobody has to watch the pages.

- At once: an order needs attention (per cause), or a connection's credentials stopped working.
- Daily: a digest of the orders needing attention, grouped by reason.
No alert repeats for the same cause on the same connection within a day: the right to send is
claimed in the database (Alert row) first, so two workers cannot both send it.
A failing mail server never stops an order: the error is logged and the order goes on.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.models import Membership
from connections.models import Connection
from integrator.inputs import one_line

from .models import Alert, Transfer
from .reasons import render as render_reasons

log = logging.getLogger(__name__)
QUIET = timedelta(days=1)


def needs_attention(transfer: Transfer, code: str, text: str, params: list | None = None) -> bool:
    """Mail the owners; with the reason's codes (`params`, syncflows.reasons) each reads it in their language."""
    return _order_alert(
        transfer,
        f"order:{code}",
        SUBJECT_NEEDS_ATTENTION,
        BODY_NEEDS_ATTENTION,
        reason=lambda: render_reasons(params) if params else text,
    )


def unknown_articles_taken(transfer: Transfer, article_nos) -> bool:
    """Specter took an order but said it does not know some of its article numbers: the order is
    there, its rows for those articles are not real articles, and only the owner can put it right."""
    return _order_alert(
        transfer,
        "order:specter_unknown_article",
        SUBJECT_UNKNOWN_ARTICLE,
        BODY_UNKNOWN_ARTICLE,
        articles=", ".join(article_nos),
    )


SUBJECT_NEEDS_ATTENTION = gettext_noop("Order %(order)s needs your attention")
BODY_NEEDS_ATTENTION = gettext_noop(
    "An order could not be sent from %(shop)s to Specter:\n\n%(reason)s\n\n"
    "Other orders keep flowing. Orders with the same problem today are not mailed again; "
    "tomorrow's digest lists them all.\n\n%(link)s"
)
SUBJECT_UNKNOWN_ARTICLE = gettext_noop("Order %(order)s is in Specter with an unknown article")
BODY_UNKNOWN_ARTICLE = gettext_noop(
    "Specter took order %(order)s from %(shop)s but says it does not have the article number %(articles)s. "
    "Create the article in Specter and check the order's rows there. The next orders with it wait until "
    "Specter has it.\n\n%(link)s"
)


def _order_alert(transfer: Transfer, cause: str, subject: str, body: str, **values) -> bool:
    """One order's alert: `subject` and `body` (untranslated msgids) are translated per recipient's
    language with the order, shop and link filled in; a callable value is called in that language."""
    connection = transfer.connection

    def compose():
        filled = {
            "order": transfer.order_number or transfer.starweb_order_id,
            "shop": connection.name,
            "link": _link(connection),
            **{name: value() if callable(value) else value for name, value in values.items()},
        }
        return _(subject) % filled, _(body) % filled

    return _send_once(connection, cause, compose)


def credentials_refused(connection: Connection, system: str) -> bool:
    if connection.credentials_failed_at is None:
        Connection.objects.filter(pk=connection.pk, credentials_failed_at__isnull=True).update(
            credentials_failed_at=timezone.now(), credentials_failed_system=system
        )

    def compose():
        subject = _("The %(system)s credentials of %(shop)s stopped working") % {
            "system": system.capitalize(),
            "shop": connection.name,
        }
        body = _(
            "%(system)s refused the credentials of %(shop)s. Orders wait (nothing is lost) and go as soon "
            "as the credentials work again: check them under Settings.\n\n%(link)s"
        ) % {"system": system.capitalize(), "shop": connection.name, "link": _link(connection)}
        return subject, body

    return _send_once(connection, f"credentials:{system}", compose)


def daily_digest() -> int:
    """One e-mail per connection with orders needing attention, grouped by reason. Returns how many."""
    sent = 0
    waiting = (
        Transfer.objects.filter(state=Transfer.State.NEEDS_ATTENTION)
        .values("connection_id", "reason_code")
        .annotate(orders=Count("id"))
        .order_by("connection_id", "reason_code")
    )
    by_connection: dict = {}
    for row in waiting:
        by_connection.setdefault(row["connection_id"], []).append(row)
    for connection in Connection.objects.filter(pk__in=by_connection):
        rows = by_connection[connection.pk]

        def compose(connection=connection, rows=rows):
            subject = _("%(count)s orders from %(shop)s need your attention") % {
                "count": sum(r["orders"] for r in rows),
                "shop": connection.name,
            }
            lines = [f"- {_reason_title(r['reason_code'])}: {r['orders']}" for r in rows]
            return subject, "\n".join([_("Orders waiting for you, by reason:"), *lines, "", _link(connection)])

        sent += _send_once(connection, "digest", compose)
    return sent


def _send_once(connection: Connection, cause: str, compose) -> bool:
    """Send once a day per cause: `compose()` gives (subject, body), called once per language
    the owners chose (billing.Profile; the site's default where they chose none)."""
    now = timezone.now()
    claimed = Alert.objects.filter(connection=connection, cause=cause, sent_at__lt=now - QUIET).update(sent_at=now)
    if not claimed:
        try:
            with transaction.atomic():
                Alert.objects.create(connection=connection, cause=cause, sent_at=now)
        except IntegrityError:
            return False  # sent within the day
    by_language: dict[str, list[str]] = {}
    for email, language in (
        Membership.objects.filter(merchant_id=connection.merchant_id, role=Membership.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", "user__profile__language")
    ):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    if not by_language:
        return False
    try:
        for language, recipients in sorted(by_language.items()):
            with translation.override(language):
                subject, body = compose()
            send_mail(one_line(subject), body, None, recipients)
    except Exception:  # the mail server's trouble must not become the order's
        log.exception("alert e-mail %s for connection %s could not be sent", cause, connection.pk)
        return False
    return True


def _reason_title(code: str) -> str:
    return {
        "currency": _("shop currency is not SEK"),
        "sku_missing": _("product without article number"),
        "sku_space": _("article number with a space"),
        "delivery_unmapped": _("delivery method not mapped"),
        "payment_unmapped": _("payment method not mapped"),
        "unknown_article": _("article missing in Specter"),
        "article_unknown": _("article missing in Specter"),
        "unreadable": _("order that cannot be read"),
        "quantity": _("row with zero or fewer items"),
        "totals": _("rows that do not add up"),
        "negative_total": _("amount below zero"),
        "order_gone": _("order deleted in Starweb"),
        "gave_up": _("gave up after many failed attempts"),
        "article_missing": _("article number not set in Settings"),
        "address_blocked": _("address we never send to"),
        "address_redirect": _("address we never send to"),
        "refused": _("refused by Specter or Starweb"),
        "internal": _("an error on our side"),
    }.get(code) or _("other: %(code)s") % {"code": code}


def _link(connection: Connection) -> str:
    return f"{settings.PUBLIC_BASE_URL}/"
