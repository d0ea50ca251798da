"""The pre-flight's reading of a whole assortment, by a worker: every variant's SKU present, without
spaces, unique. Page by page with progress saved per page; a 500-page shop takes minutes (Starweb's
1000 requests a minute), so the merchant's page shows the progress instead of waiting on it."""

from datetime import timedelta

from django.utils import timezone

from connections.clients import starweb_for
from connections.errors import IntegrationError
from connections.models import Connection
from connections.starweb.paging import product_pages
from connections.starweb.types import name_of
from integrator import article_numbers

from ..models import AssortmentCheck

EXAMPLES = 10
FRESH = timedelta(minutes=10)


def latest(connection: Connection) -> AssortmentCheck | None:
    return connection.assortment_checks.order_by("-started_at").first()


def needs_new(check: AssortmentCheck | None, now=None) -> bool:
    """No check yet, one that stopped, or a finished one older than FRESH (a running one is kept)."""
    now = now or timezone.now()
    if check is None or check.state == AssortmentCheck.State.FAILED:
        return True
    return check.state == AssortmentCheck.State.DONE and check.updated_at < now - FRESH


def scan(check_id, *, starweb=None) -> AssortmentCheck:
    check = AssortmentCheck.objects.select_related("connection").get(pk=check_id)
    starweb = starweb or starweb_for(check.connection)
    seen, counts = set(), {"missing": 0, "spaced": 0, "duplicated": 0}
    try:
        for products, total in product_pages(starweb):
            for product in products:
                _variants(product, seen, counts, check)
            check.total, check.done, check.counts = (
                max(total, check.done + len(products)),
                check.done + len(products),
                counts,
            )
            check.save()  # progress per page, for the page that polls it
        check.state = AssortmentCheck.State.DONE
        check.save(update_fields=["state", "updated_at"])
        return check
    except IntegrationError as error:
        check.state, check.error = AssortmentCheck.State.FAILED, str(error)
        check.save(update_fields=["state", "error", "updated_at"])
        return check


def _variants(product: dict, seen: set, counts: dict, check: AssortmentCheck) -> None:
    name = name_of(product, "productId")
    for variant in (product.get("variants") or {}).get("data") or []:
        check.variants += 1
        sku = str(variant.get("sku") or "")
        wrong = article_numbers.problem(sku)  # counted under its name: "missing" or "spaced"
        if wrong == article_numbers.MISSING:
            kind, example = wrong, f"{name} ({variant.get('variantId')})"
        elif wrong:
            kind, example = wrong, sku
        elif sku in seen:
            kind, example = "duplicated", sku
        else:
            seen.add(sku)
            continue
        counts[kind] += 1
        examples = getattr(check, kind)
        if len(examples) < EXAMPLES:
            examples.append(example)
