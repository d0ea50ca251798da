"""Flows as data: what each flow moves which way (domain.md "Flows"), which term of the package each
part needs (domain.md "Packages"), and the package's answer to "may this merchant use X on a day".

The table is the one place a flow's contents are written down; the connection-level question,
"may this connection do X now", is connections/flows.py (it needs the connection's flow and its
siblings, which billing cannot see). Both answer from the subscription in force on the day asked,
with the package version of that month (billing/entitlements.py), so a planned downgrade takes
effect by itself from its date: nothing is switched off by hand.

Flow numbers are plain ints (1, 2, 3) here: Connection.Flow uses the same values.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .entitlements import Entitlements, entitlements_for


class Direction(StrEnum):
    TO_SPECTER = "to_specter"  # Starweb → Specter
    TO_STARWEB = "to_starweb"  # Specter → Starweb

    @property
    def arrow(self) -> str:
        return "Starweb → Specter" if self is Direction.TO_SPECTER else "Specter → Starweb"


class Capability(StrEnum):
    ORDERS = "orders"  # order incl. customer
    ORDER_STATUS = "order_status"
    PRODUCTS = "products"  # with variants
    PRICES = "prices"
    PRICE_LISTS = "price_lists"
    STOCK = "stock"  # and stock status
    MULTISHOP = "multishop"  # a second webshop on the merchant's subscription

    @property
    def label(self):
        return LABELS[self]

    @property
    def term(self) -> str | None:
        """The package's term (a field of Package and PackageVersion) that unlocks it; None: every
        package has it (domain.md: order, customer and product info from package 100)."""
        return TERMS[self]


LABELS = {
    Capability.ORDERS: _("orders with their customers"),
    Capability.ORDER_STATUS: _("order status"),
    Capability.PRODUCTS: _("products"),
    Capability.PRICES: _("prices"),
    Capability.PRICE_LISTS: _("price lists"),
    Capability.STOCK: _("stock"),
    Capability.MULTISHOP: _("multishop"),
}
TERMS = {
    Capability.ORDERS: None,
    Capability.PRODUCTS: None,
    Capability.PRICES: None,
    Capability.ORDER_STATUS: "order_status",
    Capability.STOCK: "stock",
    Capability.PRICE_LISTS: "price_lists",
    Capability.MULTISHOP: "multishop",
}


@dataclass(frozen=True)
class Part:
    """One row of a flow: what moves, which way, and whether the merchant may leave it off."""

    capability: Capability
    direction: Direction
    optional: bool = False

    @property
    def cell(self) -> str:
        """As domain.md's table writes it."""
        return self.direction.arrow + (" (optional)" if self.optional else "")


@dataclass(frozen=True)
class FlowSpec:
    number: int
    name: str
    parts: tuple[Part, ...]

    def part(self, capability: Capability) -> Part | None:
        return next((p for p in self.parts if p.capability == capability), None)

    def moves(self, capability: Capability, direction: Direction | None = None) -> bool:
        part = self.part(capability)
        return part is not None and (direction is None or part.direction == direction)


TO_SPECTER, TO_STARWEB = Direction.TO_SPECTER, Direction.TO_STARWEB
_SPECTER_RULES = (
    Part(Capability.ORDERS, TO_SPECTER),
    Part(Capability.ORDER_STATUS, TO_STARWEB, optional=True),
    Part(Capability.PRODUCTS, TO_STARWEB),
    Part(Capability.PRICES, TO_STARWEB),
    Part(Capability.PRICE_LISTS, TO_STARWEB),
    Part(Capability.STOCK, TO_STARWEB),
)
FLOWS = {
    1: FlowSpec(
        1, _("#1 Ecom: Starweb rules"), (Part(Capability.ORDERS, TO_SPECTER), Part(Capability.PRODUCTS, TO_SPECTER))
    ),
    2: FlowSpec(2, _("#2 ERP: Specter rules"), _SPECTER_RULES),
    # Combo: the shop rules products, Specter everything that follows them.
    3: FlowSpec(
        3,
        _("#3 Combo"),
        tuple(
            Part(Capability.PRODUCTS, TO_SPECTER) if p.capability == Capability.PRODUCTS else p for p in _SPECTER_RULES
        ),
    ),
}


def flows_with(capability: Capability, direction: Direction | None = None) -> list[int]:
    """The flows that move `capability` (that way): for a query's `flow__in`."""
    return [number for number, spec in FLOWS.items() if spec.moves(capability, direction)]


def _lowest_package(term: str | int):
    """The name of the first package for sale with `term` (a flow number: that flow), for the words
    of a refusal; read from the catalogue (so a billing admin's change shows) only when the words
    are read, so a schedule that asks for many connections spends no query on it."""
    from .models import Package

    def name():
        for package in Package.objects.filter(is_active=True):
            if (term in package.flows) if isinstance(term, int) else getattr(package, term):
                return package.name
        return "–"

    return lazy(name, str)()


def _format_day(on: date) -> str:
    """In the reader's locale when the reason is read, not when it was made."""
    return lazy(lambda: date_format(on, "SHORT_DATE_FORMAT"), str)()


@dataclass(frozen=True)
class Answer:
    """Yes, or no with the reason in words (translated when read, in the reader's language)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Answer(True)


def worded(template, **params):
    return lazy(lambda: str(template) % {k: str(v) for k, v in params.items()}, str)()


def package_answer(entitled: Entitlements, capability: Capability, on: date) -> Answer:
    """Whether the package in force (`entitled`, read for `on`) includes `capability`."""
    if not entitled.has_subscription:
        return Answer(False, worded(_("No subscription is in force on %(day)s."), day=_format_day(on)))
    if capability.term is None or getattr(entitled, capability.term):
        return YES
    return Answer(
        False,
        worded(
            _("The package in force on %(day)s does not include %(what)s: that comes with %(package)s and up."),
            what=capability.label,
            package=_lowest_package(capability.term),
            day=_format_day(on),
        ),
    )


def flow_answer(entitled: Entitlements, flow: int | None, on: date) -> Answer:
    """Whether the package in force (`entitled`, read for `on`) includes the flow."""
    if flow not in FLOWS:
        return Answer(False, _("No flow is chosen yet."))
    if not entitled.has_subscription:
        return Answer(False, worded(_("No subscription is in force on %(day)s."), day=_format_day(on)))
    if entitled.allows_flow(flow):
        return YES
    return Answer(
        False,
        worded(
            _("The package in force on %(day)s does not include flow %(flow)s: it comes with %(package)s and up."),
            flow=FLOWS[flow].name,
            package=_lowest_package(flow),
            day=_format_day(on),
        ),
    )


def merchant_may(merchant, capability: Capability, on: date | None = None) -> Answer:
    """The package's answer alone (no flow): for what is asked before a connection has one."""
    on = on or timezone.localdate()
    return package_answer(entitlements_for(merchant, on), capability, on)
