"""Price lists Specter → Starweb (package 400, flows #2 and #3): an article's price on a Specter
price list goes to the shop's price list of the same name (domain.md: price lists are matched on
the name, as ids differ between the systems). From quantity 1 it is the variant's price on that
list; from 2 up a volume price at that quantity. What we last wrote is kept on the binding
(`last_list_prices`), so an unchanged price is not written again. A Specter list without a
same-named shop list, or an article the shop lacks, is reported; the rest keeps flowing."""

from decimal import Decimal

from django.utils import timezone

from connections.models import Connection
from connections.specter.batches import ListPriceChange
from connections.starweb.client import NotFound

from .. import bindings
from ..models import ProductBinding
from ..run_result import Result


def same_name(name: str) -> str:
    """The form two price-list names are compared in: trimmed (inner runs of spaces too), case ignored."""
    return " ".join(str(name or "").split()).casefold()


def targets(specter_lists, shop_lists: list[dict]) -> tuple[dict[str, int], dict[str, str]]:
    """Pure: ({Specter priceListId: the shop's pricelistId}, {Specter priceListId: why it has none}).

    A list matches the shop's list of the same name; a currency both state and that differs is no
    match (a EUR list's prices must not land on a SEK list)."""
    by_name = {same_name(p.get("name")): p for p in shop_lists}
    matched, unmatched = {}, {}
    for specter_list in specter_lists:
        shop_list = by_name.get(same_name(specter_list.name))
        currency = (shop_list or {}).get("currencyCode") or ""
        if shop_list is None:
            unmatched[specter_list.price_list_id] = (
                f"Specter's price list “{specter_list.name}” has no price list of that name in the shop"
            )
        elif specter_list.currency and currency and specter_list.currency.upper() != currency.upper():
            unmatched[specter_list.price_list_id] = (
                f"Specter's price list “{specter_list.name}” is in {specter_list.currency}, the shop's is in {currency}"
            )
        else:
            matched[specter_list.price_list_id] = int(shop_list["pricelistId"])
    return matched, unmatched


def memo_key(pricelist_id: int, from_quantity: int) -> str:
    """The key of ProductBinding.last_list_prices: "<Starweb pricelistId>:<fromQuantity>"."""
    return f"{pricelist_id}:{max(1, from_quantity)}"


def apply(connection: Connection, changes: list[ListPriceChange], starweb, *, specter=None) -> Result:
    """Carry one batch of list prices to the shop. `specter` (for the list names) defaults to the
    connection's client. Raises what the clients raise, for the run to report; a volume price with
    no price on the list to hang under (NotFound) is a note."""
    result = Result()
    readable = []
    for change in changes:
        if change.article_no and change.price_ex_vat is not None and change.from_quantity is not None:
            readable.append(change)
        else:
            result.note(f"{change.article_no or '?'}: a price-list row from Specter could not be read")
    if not readable:
        return result
    if specter is None:
        from connections.clients import specter_for  # here, so that tests may pass their own client

        specter = specter_for(connection)
    # 1. Specter's list ids to the shop's list ids, by name: one call to each system per batch.
    matched, unmatched = targets(specter.price_lists(), starweb.pricelists())
    left_out: dict[str, int] = {}
    for change in readable:
        if change.price_list_id not in matched:
            left_out[change.price_list_id] = left_out.get(change.price_list_id, 0) + 1
    for price_list_id, count in left_out.items():
        result.note(
            unmatched.get(price_list_id, f"Specter's price list {price_list_id} is not among its price lists"),
            skipped=count,
        )
    # 2. The latest price per article, shop list and quantity (a later row of the batch wins).
    latest: dict[str, dict[str, Decimal]] = {}
    for change in readable:
        if change.price_list_id in matched:
            key = memo_key(matched[change.price_list_id], change.from_quantity)
            latest.setdefault(change.article_no, {})[key] = change.price_ex_vat
    # 3. Write what differs from what we last wrote; plain prices first, as volume prices hang under them.
    now = timezone.now()
    for sku, prices, binding in bindings.each_bound(connection, latest, starweb, result):
        memo = dict(binding.last_list_prices or {})
        for key, price in sorted(prices.items(), key=lambda item: int(item[0].split(":")[1])):
            if key in memo and Decimal(memo[key]) == price:
                result.skipped += 1
                continue
            pricelist_id, quantity = (int(part) for part in key.split(":"))
            try:
                if quantity <= 1:
                    starweb.set_price(binding.product_id, binding.variant_id, pricelist_id, price)
                else:
                    starweb.set_volume_price(binding.product_id, binding.variant_id, pricelist_id, quantity, price)
            except NotFound:  # permanent for this row: noted, so the batch can be acknowledged
                result.note(
                    f"{sku}: the shop has no price on its price list {pricelist_id} to put the volume price from "
                    f"{quantity} under"
                    if quantity > 1
                    else f"{sku}: the shop no longer has this variant"
                )
                continue
            memo[key] = str(price)  # saved after each write: a crash half-way repeats nothing written
            ProductBinding.objects.filter(pk=binding.pk).update(last_list_prices=memo, synced_at=now)
            result.writes += 1
    return result
