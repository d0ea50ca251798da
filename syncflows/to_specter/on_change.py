"""Whether a connection sends its shop's products to Specter as they change: asked by the product
webhook and schedule (export.py, changes.py) and by the order engine, which creates an order's
unknown articles only where the shop is master of products (orders/articles.py)."""

from connections.models import Connection


def exports_on_change(connection: Connection) -> bool:
    """Flows #1 and #3 with products exported "when the product changes" (by webhook and schedule)."""
    return (connection.flow in (Connection.Flow.ECOM, Connection.Flow.COMBO)
            and connection.export_product == Connection.ProductExport.CHANGED)
