"""The connection's service articles (shipping, fees, discounts, gift cards, cash on delivery)
against what we know of Specter: every order row needs an article that exists there.

What we know: the articles we sent to Specter ourselves (ExportedArticle), then Specter's own
register read page by page (connections/specter/articles.py, an assumed call) until every wanted
number is found. Unknown stays unknown: a register that cannot be read is never reported as found.
"""

from dataclasses import dataclass, field

from django.core.cache import cache

from connections.clients import specter_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.specter import articles

from ..models import ExportedArticle

MAX_PAGES = 20  # a register bigger than this is not read to the end here: what is not seen is "not seen"
CACHE_SECONDS = 60  # the pre-flight page reloads while the assortment is read


@dataclass
class ArticleCheck:
    missing: list[str] = field(default_factory=list)  # not found in Specter
    error: str = ""  # Specter's register could not be read: nothing is known
    complete: bool = True  # False: the register was longer than we read

    @property
    def known(self) -> bool:
        return not self.error


def check(connection: Connection, numbers: list[str]) -> ArticleCheck:
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return ArticleCheck()
    version = cache.get(f"service-articles-v:{connection.pk}", 0)
    key = f"service-articles:{connection.pk}:{version}:{','.join(wanted)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _check(connection, set(wanted))
    if result.known:
        cache.set(key, result, CACHE_SECONDS)
    return result


def forget(connection: Connection) -> None:
    """After we created articles: the next check reads Specter again."""
    key = f"service-articles-v:{connection.pk}"
    cache.set(key, cache.get(key, 0) + 1, None)


def _check(connection: Connection, wanted: set[str]) -> ArticleCheck:
    sent = set(ExportedArticle.objects.filter(connection__in=connection.siblings(), sku__in=wanted).values_list("sku", flat=True))
    left = wanted - sent
    if not left:
        return ArticleCheck()
    try:
        client = specter_for(connection)
        number, pages = 1, 1
        while left and number <= min(pages, MAX_PAGES):
            listing = articles.page(client, number)
            left -= {a.article_no for a in listing.articles}
            pages, number = listing.pages, number + 1
    except IntegrationError as error:
        return ArticleCheck(error=str(error))
    return ArticleCheck(missing=sorted(left), complete=number > pages or not left)


def may_create(connection: Connection) -> bool:
    """We create articles in Specter only where the connection already sends it articles (flows #1
    and #3); on flow #2 Specter rules the register and the merchant creates them there."""
    return connection.flow in (Connection.Flow.ECOM, Connection.Flow.COMBO)


def create(connection: Connection, numbers_and_names: list[tuple[str, str]]) -> None:
    """Create the service articles in Specter (create only: an existing one is left as it is).
    Raises the Specter client's typed errors."""
    rows = [{"articleNo": number, "name": name, "priceExclVAT": "0", "vatPercent": "0" if number == connection.gift_card_article else "25"}
            for number, name in numbers_and_names]
    if rows:
        specter_for(connection).submit_articles(rows, update=False)
    forget(connection)
