"""What an initial-sync direction is (its code, title, count and page) and what one page of it did.

The runner (runner.py) works any direction page by page; each direction's module says what one page
means (starweb_to_specter.py, specter_to_starweb.py); registry.py lists them. This module imports
none of them, so each may import it."""

from dataclasses import dataclass, field


@dataclass
class Page:
    """What one page of a sync did."""

    read: int
    total: int
    last_page: int
    written: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)  # [[what, why], ...]


@dataclass(frozen=True)
class Direction:
    code: str
    title: object  # lazy text
    count: object  # (connection, starweb, specter) -> int: how many the source has
    page: object  # (connection, number, starweb, specter, *, careful: bool) -> Page
