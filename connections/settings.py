"""The typed view of a connection's settings that shapes an order (domain.md "Connection settings").

The mapper takes this, never the model, so it stays pure and testable without a database.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExportSettings:
    ignore_control_email: bool = False
    ignore_control_org_no: bool = False
    force_customer_update: bool = True
    confirmation_from_specter: bool = False
    confirmation_copy_to_admin: bool = False
    zero_row_shipping: bool = False
    zero_row_payment_fee: bool = False
    zero_row_cod: bool = False
    include_custom_fields: bool = False
    discount_per_item_percent: bool = False
    company_in_address_line1: bool = False
    gift_card_article: str = ""
    discount_article: str = ""
    payment_fee_article: str = ""
    shipping_article: str = ""
    cod_article: str = ""
    # The article a rounding difference goes on (VAT 0, at most ROUNDING_LIMIT), so prices stay the shop's.
    rounding_article: str = "Öresavrundning"
    delivery_methods: dict[str, str] = field(default_factory=dict)  # Starweb shipping method id -> Specter external key
    payment_methods: dict[str, str] = field(default_factory=dict)  # Starweb payment method id -> payTypeIdentifier
    # Multishop (package 400): several shops on one Specter account. Specter tells them apart by
    # webshopId (its result unit and country are set per webshop in Specter), and their order
    # numbers, which overlap, by a prefix on externalOrderNo.
    webshop_id: str = ""
    order_number_prefix: str = ""
    # The Specter warehouse the shop's stock comes from, when it is one stock site: its orders are
    # taken from there too (`stocksiteid`), so a shop for another market lowers its own warehouse.
    stock_site_id: str = ""

    def external_order_no(self, order_id) -> str:
        return f"{self.order_number_prefix}{order_id}"

    def special_articles(self) -> set[str]:
        """The article numbers the order rows for shipping, discounts, fees, gift cards and rounding
        use: service articles, never products (one rule for every flow that makes shop products)."""
        return {a for a in (self.gift_card_article, self.discount_article, self.payment_fee_article, self.shipping_article,
                            self.cod_article, self.rounding_article) if a}


@dataclass(frozen=True)
class StatusRule:
    """What to do in the shop when Specter reports an event on an order (domain.md "Order status")."""

    status_id: int
    email: bool = False  # the shop mails the customer about the new status
    tracking: bool = False  # the tracking number goes with it
    capture: bool = False  # the status change captures the payment (Klarna, DIBS)


SPECTER_ORDER_EVENTS = ("partly_delivered", "delivered", "invoiced", "paid", "cancelled")
