"""Specter's article register, page by page, for the initial sync Specter → Starweb. The call is
assumed (connections/specter/assumptions.py, ARTICLE_LIST_ACTION): this is its one reader."""

from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

from ..errors import Retryable
from . import assumptions as A
from .batches import _decimal, _root, details
from .client import SpecterClient
from .wire import Garbled


@dataclass(frozen=True)
class ListedArticle:
    article_no: str
    name: str
    price_ex_vat: Decimal | None
    vat_percent: Decimal | None
    stock: int | None  # Specter's available quantity (its default warehouse)
    # As on ArticleInfo, so one mapper (syncflows/from_specter/details.py) serves both.
    bar_code: str | None = None
    weight_kg: Decimal | None = None
    buy_price: Decimal | None = None


@dataclass(frozen=True)
class ArticlePage:
    articles: tuple[ListedArticle, ...]
    total: int
    pages: int


def page(client: SpecterClient, number: int) -> ArticlePage:
    """One page of Specter's articles (numbered from 1)."""
    try:
        return read(client._payload("getInfo.asp", A.ARTICLE_LIST_ACTION, {"page": str(number), "useXML": "2"}))
    except (ElementTree.ParseError, Garbled, ValueError):
        raise Retryable("specter: the article list could not be read", system="specter") from None


def read(text: str) -> ArticlePage:
    root = _root(text)
    listing = root if root.tag == "articles" else root.find(".//articles")
    if listing is None:
        raise ValueError("no <articles>")
    articles = tuple(
        ListedArticle(
            a.findtext("articleNo", "").strip(),
            a.findtext("name", "").strip(),
            _decimal(a.get("priceExclVat")),
            _decimal(a.get("vatPercent")),
            _stock(a.get("noItemsAv")),
            **details(a),
        )
        for a in listing.iter("article")
    )
    return ArticlePage(articles, int(listing.get("totalCount") or len(articles)), int(listing.get("pages") or 1))


def _stock(value) -> int | None:
    figure = _decimal(value)
    return int(figure) if figure is not None else None
