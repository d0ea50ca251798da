"""The one rule for a usable article number (SKU), and the words for what breaks it, for every
place that takes one: the order mapper, the assortment check, the product export, the binder, the
connection's service articles. The rule itself is integrator.inputs.visible_article_number."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .inputs import visible_article_number

MISSING, SPACED = "missing", "spaced"

# Stored in English next to what they concern (sync reports, problem lists), shown translated.
STORED_REASONS = {
    MISSING: gettext_noop("no article number"),
    SPACED: gettext_noop("the article number contains a space"),
}
# The error on an article number typed into a form (the connection's service articles).
RULE = _("An article number takes visible characters only: no spaces, no control or invisible characters.")


def problem(sku: str) -> str | None:
    """What is wrong with `sku` as an article number: MISSING, SPACED (a space, an invisible or
    control character, or longer than Starweb and Specter keep), or None when it is usable."""
    if not sku:
        return MISSING
    return None if visible_article_number(sku) else SPACED


def usable(sku: str) -> bool:
    """Whether `sku` may be bound, sent and created: present, visible characters only."""
    return problem(sku) is None
