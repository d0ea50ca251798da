"""Whether a connection sends its shop's products to Specter as they change: asked by the product
webhook and schedule (export.py, changes.py) and by the order engine, which creates an order's
unknown articles only where the shop is master of products (orders/articles.py)."""

from connections import flows
from connections.models import Connection


def exports_on_change(connection: Connection) -> bool:
    """A flow that sends products to Specter (#1, #3), exporting them "when the product changes" (by
    webhook and schedule). The flow's row alone, no query: the order engine asks it for every order;
    whether the package allows it today is asked where the work starts (the webhook, the schedule)."""
    return (
        flows.moves(connection, flows.Capability.PRODUCTS, flows.Direction.TO_SPECTER)
        and connection.export_product == Connection.ProductExport.CHANGED
    )
