"""Specter's price lists (package 400), parsed from the invented getPriceListsExternal answer
(shape in connections/specter/assumptions.py). Pure: text in, types out."""

from dataclasses import dataclass
from xml.etree import ElementTree


@dataclass(frozen=True)
class PriceList:
    price_list_id: str
    name: str
    currency: str
    customer_group_id: str


def parse_price_lists(text: str) -> list[PriceList]:
    """The lists in an answer (an empty answer is no lists). Raises ElementTree.ParseError."""
    if not text.strip():
        return []
    root = ElementTree.fromstring(text.encode("latin-1") if text.lstrip().startswith("<?xml") else text)
    return [
        PriceList(
            p.get("priceListId", "").strip(),
            (p.findtext("name") or "").strip(),
            p.get("currency", "").strip().upper(),
            p.get("customerGroupId", "").strip(),
        )
        for p in root.iter("priceList")
        if p.get("priceListId", "").strip()
    ]
