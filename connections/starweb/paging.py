"""Reading the shop's paginated lists page by page (meta.pagination), never all at once: the
client's own lists, and the whole assortment for the long readers (the assortment check, stock
reconciliation, the product schedule, the initial sync), which wait out the rate limit."""

from ..patience import patiently


def each_page(read_page):
    """(rows, total) of page 1, 2, … of a paginated list, until its last page (or an empty one);
    `read_page(number)` answers (rows, total rows, total pages), as StarwebClient.page does."""
    number = 1
    while True:
        rows, total, last_page = read_page(number)
        yield rows, total
        if number >= last_page or not rows:
            return
        number += 1


def read_page(starweb, page: int, params: dict | None = None):
    """One page of products. Starweb's 1000 requests a minute bound a big assortment: on our own
    throttle (or Starweb's 429) this long task waits the few seconds asked and reads on, rather
    than hand the row back and wait for the sweeper."""
    return patiently(lambda: starweb.product_page(page, params))


def product_pages(starweb, params: dict | None = None):
    """(products, total) of every page of the shop's products, read patiently (read_page)."""
    return each_page(lambda number: read_page(starweb, number, params))
