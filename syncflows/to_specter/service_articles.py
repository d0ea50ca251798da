"""The connection's service articles (shipping, fees, discounts, gift cards, cash on delivery)
against what we know of Specter: every order row needs an article that exists there.

What we know is what the order engine knows (syncflows/orders/articles.py, its SpecterArticle
table): exported, created, or reported by Specter. What it lacks is looked up in Specter's register
through the engine's own reader, which records what it learns there, so the pre-flight and the
engine never disagree about an article. Unknown stays unknown: a register that cannot be read is
never reported as found.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _

from connections import flows
from connections.clients import specter_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.specter.client import article_row

from ..models import SpecterArticle
from ..orders import articles as known

READ_AT_MOST_EVERY = timedelta(seconds=60)  # the pre-flight page reloads while the merchant fixes Specter


@dataclass
class ArticleCheck:
    missing: list[str] = field(default_factory=list)  # not found in Specter
    error: str = ""  # Specter's register could not be read: nothing is known

    @property
    def known(self) -> bool:
        return not self.error


def check(connection: Connection, numbers: list[str]) -> ArticleCheck:
    wanted = sorted({n for n in numbers if n})
    missing = known.unknown(connection, wanted) if wanted else []
    if not missing:
        return ArticleCheck()
    try:
        read = known.read_register(connection, specter_for(connection), every=READ_AT_MOST_EVERY)
    except IntegrationError as error:
        return ArticleCheck(error=str(error))
    if read == known.UNLISTED:
        return ArticleCheck(error=_("Specter does not let us list its article register."))
    return ArticleCheck(missing=sorted(known.unknown(connection, missing)))


def unknown_here(connection: Connection, numbers: list[str]) -> list[str]:
    """The numbers our own table does not know to exist in Specter (a database read, no call)."""
    wanted = sorted({n for n in numbers if n})
    return sorted(known.unknown(connection, wanted)) if wanted else []


def probe(connection: Connection, subject: list, progress) -> dict:
    """The bulk task's work for the pre-flight page (syncflows.outside_checks): read Specter's
    register for the numbers in `subject`."""
    progress(0, 1)
    result = check(connection, subject)
    progress(1, 1)
    return {"subject": subject, "missing": result.missing, "error": result.error}


def may_create(connection: Connection) -> bool:
    """We create articles in Specter only where the connection already sends it articles (flows #1
    and #3); on flow #2 Specter rules the register and the merchant creates them there."""
    return bool(flows.may(connection, flows.Capability.PRODUCTS, direction=flows.Direction.TO_SPECTER))


def create(connection: Connection, numbers_and_names: list[tuple[str, str]]) -> None:
    """Create the service articles in Specter as the order engine creates an order's (create only:
    an existing one is left as it is), and record them as known. Raises the Specter client's typed
    errors."""
    rows = [
        article_row(number, name, price_ex_vat="0", vat_percent="0" if number == connection.gift_card_article else "25")
        for number, name in numbers_and_names
    ]
    client = specter_for(connection) if rows else None
    for start in range(0, len(rows), known.CHUNK):
        chunk = rows[start : start + known.CHUNK]
        client.create_articles(chunk)
        known.learn([connection.pk], [row["articleNo"] for row in chunk], SpecterArticle.Source.CREATED)
