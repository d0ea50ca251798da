"""How Specter turns an order row into money. ASSUMPTION (specs/specter-api.md: not documented):
a row's amount including VAT is quantity × price ex VAT × (1 + VAT %), rounded half up to the öre,
and the order total is the sum of the rows. The simulator computes totals with this function and
the order mapper aims its rows at it; if Specter is found to round otherwise, change it here.
"""

from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
# Row prices are sent with this many decimals: enough that quantity × price × (1 + VAT) lands on
# the intended öre for any quantity below 10,000 (error < 10,000 × 0.5e-6 × 1.25 < 0.007).
PRICE_DECIMALS = Decimal("0.000001")


def row_total(price_ex_vat: Decimal, quantity: Decimal, vat_percent: Decimal) -> Decimal:
    """A row's amount including VAT, as Specter computes it (see the module's assumption)."""
    return (quantity * price_ex_vat * (1 + vat_percent / 100)).quantize(ORE, rounding=ROUND_HALF_UP)


def price_for(total_incl_vat: Decimal, quantity: Decimal, vat_percent: Decimal) -> Decimal:
    """The price ex VAT per unit that makes row_total() come out at `total_incl_vat` exactly."""
    if quantity == 0:
        raise ValueError("a row needs a quantity")
    return (total_incl_vat / (quantity * (1 + vat_percent / 100))).quantize(PRICE_DECIMALS, rounding=ROUND_HALF_UP)
