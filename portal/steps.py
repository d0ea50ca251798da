"""The activation wizard's steps, in order; the settings page shows the same sections."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from connections.clients import starweb_for
from connections.flows import Capability, Direction, Permits

from . import forms


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str


STEPS = [
    Step(
        "specter",
        _("Specter"),
        _(
            "Your Specter SBM ID and keys, of the kind your account has: API v2, API v1 or one md5key (Specter: "
            "Inställningar → Webbshop). We check them with Specter at once."
        ),
    ),
    Step(
        "starweb",
        _("Starweb"),
        _(
            "Your shop's API address and an API client (Starweb admin → Settings → API). We check them with the "
            "shop at once."
        ),
    ),
    Step("flow", _("Flow"), _("Which system rules what. You can change it later.")),
    Step(
        "customers",
        _("Customers"),
        _("How Specter matches a customer: first by e-mail, then by org.nr/personnummer, unless you turn a check off."),
    ),
    Step(
        "export",
        _("Orders"),
        _(
            "How an order looks in Specter, and the article numbers for shipping, fees, discounts and gift cards "
            "(create them in Specter too)."
        ),
    ),
    Step("events", _("Events"), _("When orders go to Specter, and which statuses start a transfer.")),
    Step(
        "methods",
        _("Delivery and payment"),
        _(
            "Each of the shop's methods with its Specter code: the delivery method's External key, and the "
            "payment type."
        ),
    ),
    Step(
        "statuses",
        _("Back from Specter"),
        _(
            "What the shop shows when Specter delivers, invoices, is paid or cancels an order, and where "
            "Specter's stock goes."
        ),
    ),
    Step(
        "check",
        _("Check and activate"),
        _("What would stop orders, and your latest order as Specter would receive it."),
    ),
]
SLUGS = [step.slug for step in STEPS]


def step(slug: str) -> Step:
    return STEPS[SLUGS.index(slug)]


def next_slug(slug: str) -> str:
    return SLUGS[min(SLUGS.index(slug) + 1, len(SLUGS) - 1)]


class Sources:
    """What the forms read from the shop and the package, each read at most once per request (the
    settings page shows every section: the shop's statuses would otherwise be fetched twice)."""

    def __init__(self, connection):
        self.connection = connection

    @cached_property
    def starweb(self):
        return starweb_for(self.connection)

    @cached_property
    def permits(self):
        return Permits(self.connection)

    @cached_property
    def statuses(self):
        return self.starweb.order_statuses()


def form_for(slug: str, connection, data=None, sources: Sources | None = None):
    """The form of a section, with what it needs from the shop or the package. Raises the Starweb
    client's typed errors when the shop cannot be read (the view says so)."""
    src = sources or Sources(connection)
    if slug == "specter":
        return forms.SpecterForm(data, instance=connection)
    if slug == "starweb":
        return forms.StarwebForm(data, instance=connection)
    if slug == "flow":
        return forms.FlowForm(data, instance=connection, permits=src.permits)
    if slug == "customers":
        return forms.CustomersForm(data, instance=connection)
    if slug == "export":
        return forms.ExportForm(data, instance=connection)
    if slug == "events":
        return forms.EventsForm(data, instance=connection, statuses=src.statuses, permits=src.permits)
    if slug == "statuses":
        categories = src.starweb.categories() if src.permits.may(Capability.PRODUCTS, Direction.TO_STARWEB) else ()
        return forms.StatusRulesForm(
            data,
            connection=connection,
            statuses=src.statuses,
            locations=src.starweb.stock_locations(),
            permits=src.permits,
            categories=categories,
        )
    if slug == "methods":
        return forms.MethodsForm(
            data, connection=connection, shipping=src.starweb.shipping_methods(), payment=src.starweb.payment_methods()
        )
    raise ValueError(slug)


SECTIONS = [s for s in SLUGS if s != "check"]
