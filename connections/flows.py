"""The one question every flow, form, page and schedule asks: may this connection do X now?

    may(connection, Capability.PRICE_LISTS, on=date)  ->  Answer (truthy; `.reason` in words)

Yes when all of these hold on the day (default today, Europe/Stockholm):
1. the connection's flow moves X (billing/flows.py FLOWS, domain.md "Flows"), that way if asked;
2. the subscription in force that day includes the flow and X (billing/entitlements.py: the
   package version of that month), so a downgrade from a future date stops X from that date, and
   not before, with nothing re-checked by hand;
3. a webshop other than the merchant's first needs multishop in that package too.

It lives here, not in billing, because it reads the connection (its flow, its merchant's other
shops) and billing imports nothing of connections; syncflows and portal both import it. Whether
the connection is active is not asked: the forms ask while it is being set up, and the schedules
pick active connections themselves.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.entitlements import Entitlements, entitlements_for
from billing.flows import (
    FLOWS,
    YES,
    Answer,
    Capability,
    Direction,
    FlowSpec,
    flow_answer,
    flows_with,
    package_answer,
    worded,
)

from .models import Connection

__all__ = ["Answer", "Capability", "Direction", "Permits", "flows_with", "may", "may_add_shop", "moves", "spec_of"]


def spec_of(connection: Connection) -> FlowSpec | None:
    """The table's row for the connection's flow (None before one is chosen)."""
    return FLOWS.get(connection.flow)


def moves(connection: Connection, capability: Capability, direction: Direction | None = None) -> bool:
    """Whether the connection's flow moves `capability` (that way): the table alone, no query and no
    package. For what the flow decides by itself (which way products go, which direction an initial
    sync offers first); whether the connection may do it today is `may`."""
    spec = spec_of(connection)
    return spec is not None and spec.moves(capability, direction)


def _is_first_shop(connection: Connection) -> bool:
    """The merchant's first webshop (oldest not deactivated) needs no multishop."""
    first = (
        Connection.objects.filter(merchant_id=connection.merchant_id)
        .exclude(status=Connection.Status.INACTIVE)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return first is None or first == connection.pk


class Permits:
    """Every answer for one connection on one day, from one read of the subscription (the settings
    page asks several questions at once)."""

    def __init__(self, connection: Connection, on: date | None = None, entitled: Entitlements | None = None):
        self.connection = connection
        self.on = on or timezone.localdate()
        self.entitled = entitled if entitled is not None else entitlements_for(connection.merchant, self.on)
        self._first_shop = None

    def shop(self) -> Answer:
        """May this webshop run at all beside the merchant's others (multishop)?"""
        if self._first_shop is None:
            self._first_shop = _is_first_shop(self.connection)
        if self._first_shop:
            return YES
        answer = package_answer(self.entitled, Capability.MULTISHOP, self.on)
        return answer if answer else Answer(False, worded(_("This is a second webshop: %(why)s"), why=answer.reason))

    def flow(self, flow: int | None = None) -> Answer:
        """May the connection run its flow (or `flow`, for the form that chooses one)?"""
        return flow_answer(self.entitled, self.connection.flow if flow is None else flow, self.on)

    def package(self, capability: Capability) -> Answer:
        """The package's answer alone, whatever the flow (for what every flow may do, e.g. setting
        a shop status once the order is in Specter)."""
        return package_answer(self.entitled, capability, self.on)

    def may(self, capability: Capability, direction: Direction | None = None) -> Answer:
        if capability == Capability.MULTISHOP:
            return self.shop()
        spec = spec_of(self.connection)
        if spec is None:
            return Answer(False, _("No flow is chosen yet."))
        part = spec.part(capability)
        if part is None:
            return Answer(
                False, worded(_("Flow %(flow)s does not move %(what)s."), flow=spec.name, what=capability.label)
            )
        if direction is not None and part.direction != direction:
            return Answer(
                False,
                worded(
                    _("Flow %(flow)s moves %(what)s %(way)s."),
                    flow=spec.name,
                    what=capability.label,
                    way=part.direction.arrow,
                ),
            )
        for answer in (self.flow(), package_answer(self.entitled, capability, self.on), self.shop()):
            if not answer:
                return answer
        return YES


def may(
    connection: Connection, capability: Capability, on: date | None = None, *, direction: Direction | None = None
) -> Answer:
    """May `connection` do `capability` on `on` (default today)? See the module's docstring."""
    return Permits(connection, on).may(capability, direction)


def may_add_shop(merchant, on: date | None = None) -> Answer:
    """May the merchant set up one more webshop? Not beyond the shops the subscription in force
    includes (one without multishop; with it, the included ones and the extra ones bought)."""
    allowed = entitlements_for(merchant, on or timezone.localdate()).max_shops
    if Connection.objects.filter(merchant=merchant).exclude(status=Connection.Status.INACTIVE).count() < allowed:
        return YES
    return Answer(
        False,
        ngettext(
            "Your package includes %(n)s webshop. Ask us to add one (multishop comes with package 400).",
            "Your package includes %(n)s webshops. Ask us to add one more.",
            allowed,
        )
        % {"n": allowed},
    )
