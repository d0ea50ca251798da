"""Products Starweb → Specter (flows #1 and #3): each variant as its own article (design.md §4),
in calls of at most 100, *create only* or *create and update* as the connection says; a product
whose SKU is missing or has a space is not sent, and the report says so per product.

The initial sync in this direction is TO_SPECTER (catalogue/initial.py runs it); memory holds one page."""

import hashlib
import json
import time
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _, gettext_noop  # reasons stored in English, shown translated

from connections.clients import specter_for, starweb_for
from connections.errors import RateLimited
from connections.starweb.client import each_page
from connections.models import Connection
from connections.starweb.types import name_of
from integrator.inputs import visible_article_number

from ..models import ExportedArticle, SpecterArticle
from .initial import Direction, Page

CHUNK = 100  # newArticleSubmit takes at most 100 articles
MAX_RATE_WAIT = 61


def articles_of(product: dict) -> tuple[list[dict], list[list[str]]]:
    """A Starweb product as Specter article rows, one per variant, and its problems [what, why]."""
    name = name_of(product, "productId")
    vat = _decimal(product.get("defaultVatRate"), Decimal("25"))
    rows, problems = [], []
    variants = (product.get("variants") or {}).get("data") or []
    for variant in variants:
        sku = str(variant.get("sku") or "")
        if not sku:
            problems.append([name, gettext_noop("no article number")])
            continue
        if not visible_article_number(sku):  # a space, or an invisible or control character
            problems.append([sku, gettext_noop("the article number contains a space")])
            continue
        price = _master_price(variant)
        row = {"articleNo": sku, "name": (name if len(variants) == 1 else f"{name} {sku}")[:100], "vatPercent": _plain(vat)}
        if price is not None:
            row["priceExclVat"] = _plain(price)
        rows.append(row)
    return rows, problems


def _master_price(variant: dict) -> Decimal | None:
    prices = variant.get("prices") or {}
    prices = prices.get("data") if isinstance(prices, dict) and "data" in prices else prices
    if isinstance(prices, dict):
        first = next(iter(prices.values()), None)
        return _decimal((first or {}).get("priceExVat"), None)
    if isinstance(prices, list) and prices:
        return _decimal(prices[0].get("priceExVat"), None)
    return None


def _decimal(value, default):
    try:
        return Decimal(str(value)) if value is not None else default
    except InvalidOperation:
        return default


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def content_hash(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()


def send_changed(connection: Connection, rows: list[dict], specter, *, update: bool) -> tuple[int, int]:
    """Send the rows whose content changed since last sent (in calls of ≤100); record their hashes
    after Specter took them. Returns (written, unchanged)."""
    known = dict(ExportedArticle.objects.filter(connection=connection, sku__in=[r["articleNo"] for r in rows])
                 .values_list("sku", "content_hash"))
    changed = [r for r in rows if known.get(r["articleNo"]) != content_hash(r)]
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start:start + CHUNK]
        specter.submit_articles(chunk, update=update)
        _remember(connection, chunk)
    return len(changed), len(rows) - len(changed)


def _remember(connection, rows) -> None:
    """One upsert per call: the hashes of what Specter took."""
    ExportedArticle.objects.bulk_create(
        [ExportedArticle(connection=connection, sku=row["articleNo"], content_hash=content_hash(row)) for row in rows],
        update_conflicts=True, unique_fields=["connection", "sku"], update_fields=["content_hash", "exported_at"],
    )
    # Specter has them now: orders waiting for one of them may go.
    from ..orders import articles

    articles.learn([connection.pk], [row["articleNo"] for row in rows], SpecterArticle.Source.EXPORTED)


def exports_on_change(connection: Connection) -> bool:
    """Flows #1 and #3 with products exported "when the product changes" (by webhook and schedule)."""
    return (connection.flow in (Connection.Flow.ECOM, Connection.Flow.COMBO)
            and connection.export_product == Connection.ProductExport.CHANGED)


def export_product(connection: Connection, product_id, *, starweb=None, specter=None) -> tuple[int, int]:
    """One product, on its webhook (flows #1 and #3, products exported "when the product changes")."""
    if not exports_on_change(connection):
        return 0, 0
    product = (starweb or starweb_for(connection)).product(product_id)
    rows, _problems = articles_of(product)
    update = connection.export_product_update == Connection.Update.DIRECT
    return send_changed(connection, rows, specter or specter_for(connection), update=update)


# -- the initial sync, Starweb → Specter (catalogue/initial.py runs it) -----------------------------

def _preview(connection, starweb, specter) -> int:
    """How many products the shop has (one request)."""
    _rows, total, _pages = starweb.page("/products", 1)
    return total


def _page(connection: Connection, number: int, starweb, specter, *, careful: bool) -> Page:
    """One page of the shop's products as Specter articles. A repeated page is safe without care:
    what Specter already took unchanged is not sent again (content hashes)."""
    products, total, last_page = read_page(starweb, number)
    rows, problems = [], []
    for product in products:
        product_rows, product_problems = articles_of(product)
        rows += product_rows
        problems += product_problems
    written, unchanged = send_changed(connection, rows, specter, update=connection.export_product_update == Connection.Update.DIRECT)
    return Page(len(products), total, last_page, written, unchanged, problems)


def read_page(starweb, page: int, params: dict | None = None):
    """One page of products. Starweb's 1000 requests a minute bound a big assortment: on our own
    throttle (or Starweb's 429) this long task waits the few seconds asked and reads on, rather
    than hand the row back and wait for the sweeper."""
    return patiently(lambda: starweb.product_page(page, params))


def product_pages(starweb, params: dict | None = None):
    """(products, total) of every page of the shop's products, read patiently (read_page)."""
    return each_page(lambda number: read_page(starweb, number, params))


def patiently(call):
    for _attempt in range(10):
        try:
            return call()
        except RateLimited as limited:
            time.sleep(min(MAX_RATE_WAIT, limited.wait or 1))
    return call()


TO_SPECTER = Direction("to_specter", _("Starweb → Specter"), _preview, _page)
