"""The initial sync's directions, by code (the code is stored on InitialSync.direction)."""

from connections import flows
from connections.models import Connection

from .page import Direction
from .specter_to_starweb import TO_STARWEB
from .starweb_to_specter import TO_SPECTER

DIRECTIONS = {d.code: d for d in (TO_SPECTER, TO_STARWEB)}


def directions() -> dict[str, Direction]:
    return DIRECTIONS


def offered(connection: Connection) -> list[Direction]:
    """Both directions; the connection's own product direction first (flow #2: Specter → Starweb)."""
    own = (
        "to_starweb" if flows.moves(connection, flows.Capability.PRODUCTS, flows.Direction.TO_STARWEB) else "to_specter"
    )
    ordered = sorted(directions().values(), key=lambda d: d.code != own)
    return ordered
