"""The initial sync Starweb → Specter (a new ERP): every product of the shop, page by page, sent
as Specter articles the way the product export sends them (to_specter/export.py). A repeated page
is safe without care: what Specter already took unchanged is not sent again (content hashes)."""

from django.utils.translation import gettext_lazy as _

from connections.models import Connection
from connections.starweb.paging import read_page

from ..to_specter.export import articles_of, send_changed
from .page import Direction, Page


def _count(connection, starweb, specter) -> int:
    """How many products the shop has (one request)."""
    _rows, total, _pages = starweb.page("/products", 1)
    return total


def _page(connection: Connection, number: int, starweb, specter, *, careful: bool) -> Page:
    """One page of the shop's products as Specter articles. A repeated page is safe without care:
    what Specter already took unchanged is not sent again (content hashes)."""
    products, total, last_page = read_page(starweb, number)
    rows, problems = [], []
    for product in products:
        product_rows, product_problems = articles_of(product)
        rows += product_rows
        problems += product_problems
    written, unchanged = send_changed(
        connection, rows, specter, update=connection.update_existing_articles == Connection.ExistingArticles.UPDATE
    )
    return Page(len(products), total, last_page, written, unchanged, problems)


TO_SPECTER = Direction("to_specter", _("Starweb → Specter"), _count, _page)
