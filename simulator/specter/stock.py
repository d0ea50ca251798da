"""Simulated Specter's stock per warehouse (stock site), and a SET article's availability.

Mirrors connections/specter/assumptions.py: the default site is "1" (`Article.stock`), the others
are in `Article.other_sites`; a SET article's stock is never stored but derived from its
components, min over components of floor(component stock / quantity per set), per site."""

import math
from decimal import Decimal

from .models import Account, Article

DEFAULT_SITE = "1"


def sites_of(article: Article) -> dict[str, int]:
    """{site id: stock} of a plain article, the default site first."""
    return {DEFAULT_SITE: article.stock, **{str(site): int(qty) for site, qty in (article.other_sites or {}).items()}}


def set_availability(components: list[tuple[dict[str, int], Decimal]]) -> dict[str, int]:
    """A SET's stock per site from its components' (sites, quantity per set): for each site any
    component has, the fewest sets the components there make up (a component missing there: 0)."""
    if not components:
        return {DEFAULT_SITE: 0}
    sites = sorted({site for stocks, _ in components for site in stocks}, key=lambda s: (s != DEFAULT_SITE, s))
    return {
        site: min(math.floor(Decimal(stocks.get(site, 0)) / per_set) for stocks, per_set in components)
        for site in sites
    }


def availability(account: Account, article: Article) -> dict[str, int]:
    """{site id: stock} as Specter reports it: stored for a plain article, derived for a SET one."""
    if not article.components:
        return sites_of(article)
    found = {a.article_no: a for a in account.articles.filter(article_no__in=[no for no, _ in article.components])}
    return set_availability(
        [
            (sites_of(found[no]) if no in found else {}, Decimal(str(per_set)))
            for no, per_set in article.components
            if Decimal(str(per_set)) > 0
        ]
    )


def sets_containing(account: Account, article: Article) -> list[Article]:
    """The SET articles that have `article` among their components."""
    return [
        s for s in account.articles.exclude(components=[]) if any(no == article.article_no for no, _ in s.components)
    ]
