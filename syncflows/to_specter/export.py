"""Products Starweb → Specter (flows #1 and #3): each variant as its own article (design.md §4),
in calls of at most 100, *create only* or *create and update* as the connection says; a product
whose SKU is missing or has a space is not sent, and the report says so per product.

The initial sync in this direction is syncflows/initial_sync/starweb_to_specter.py; memory holds one page."""

import hashlib
import json
from decimal import Decimal, InvalidOperation

from connections import flows
from connections.clients import specter_for, starweb_for
from connections.models import Connection
from connections.specter.client import article_row
from connections.starweb.types import name_of
from integrator import article_numbers

from ..models import ExportedArticle, SpecterArticle
from ..orders import articles
from .on_change import exports_on_change

CHUNK = 100  # newArticleSubmit takes at most 100 articles


def articles_of(product: dict) -> tuple[list[dict], list[list[str]]]:
    """A Starweb product as Specter article rows, one per variant, and its problems [what, why]."""
    name = name_of(product, "productId")
    vat = _decimal(product.get("defaultVatRate"), Decimal("25"))
    rows, problems = [], []
    variants = (product.get("variants") or {}).get("data") or []
    for variant in variants:
        sku = str(variant.get("sku") or "")
        wrong = article_numbers.problem(sku)  # a missing one, a space, an invisible or control character
        if wrong:
            problems.append([name if wrong == article_numbers.MISSING else sku, article_numbers.STORED_REASONS[wrong]])
            continue
        price = _master_price(variant)
        rows.append(
            article_row(
                sku,
                name if len(variants) == 1 else f"{name} {sku}",
                vat_percent=_plain(vat),
                price_ex_vat=None if price is None else _plain(price),
            )
        )
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
    known = dict(
        ExportedArticle.objects.filter(connection=connection, sku__in=[r["articleNo"] for r in rows]).values_list(
            "sku", "content_hash"
        )
    )
    changed = [r for r in rows if known.get(r["articleNo"]) != content_hash(r)]
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start : start + CHUNK]
        specter.submit_articles(chunk, update=update)
        _remember(connection, chunk)
    return len(changed), len(rows) - len(changed)


def _remember(connection, rows) -> None:
    """One upsert per call: the hashes of what Specter took."""
    ExportedArticle.objects.bulk_create(
        [ExportedArticle(connection=connection, sku=row["articleNo"], content_hash=content_hash(row)) for row in rows],
        update_conflicts=True,
        unique_fields=["connection", "sku"],
        update_fields=["content_hash", "exported_at"],
    )
    # Specter has them now: orders waiting for one of them may go.
    articles.learn([connection.pk], [row["articleNo"] for row in rows], SpecterArticle.Source.EXPORTED)


def export_product(connection: Connection, product_id, *, starweb=None, specter=None) -> tuple[int, int]:
    """One product, on its webhook (flows #1 and #3, products exported "when the product changes")."""
    sends = flows.may(connection, flows.Capability.PRODUCTS, direction=flows.Direction.TO_SPECTER)
    if not (exports_on_change(connection) and sends):
        return 0, 0
    product = (starweb or starweb_for(connection)).product(product_id)
    rows, _problems = articles_of(product)
    update = connection.update_existing_articles == Connection.ExistingArticles.UPDATE
    return send_changed(connection, rows, specter or specter_for(connection), update=update)
