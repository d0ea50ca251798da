"""Specter's payment type codes (`payTypeIdentifier`, specs/specter-api.md §3.1), so a merchant
chooses one by name instead of typing a code from memory; and our best guess of the code for a
shop's payment method, from Starweb's idCode or its name.

The list is what public client code shows; Specter may know more (Payex, Autogiro: letters not
seen). A code stored before this list existed stays selectable (portal/forms.py).
"""

from django.utils.translation import gettext_lazy as _

PAY_TYPES = [
    ("I", _("Invoice (your own)")),
    ("PP", _("Prepayment, bank transfer or cheque")),
    ("P", _("Cash on delivery")),
    ("K", _("Klarna")),
    ("KG", _("Klarna Checkout (global, v3)")),
    ("SW", _("Swish")),
    ("DP", _("DIBS")),
    ("SP", _("Svea invoice")),
    ("SS", _("Svea part payment")),
    ("SK", _("Svea card")),
    ("SCH", _("Svea Checkout")),
    ("PL", _("PayPal")),
    ("PY", _("Payson")),
    ("PE", _("Payer")),
    ("AE", _("Auriga")),
    ("CN", _("Certitrade")),
    ("CL", _("Collector")),
    ("BC", _("Billmate")),
    ("HF", _("Handelsbanken Finans")),
    ("D", _("Paid in store")),
]
CODES = {code for code, _label in PAY_TYPES}

# Words in a Starweb payment method's idCode or name, first match wins (most specific first).
_GUESSES = [
    ("cashondelivery", "P"),
    ("postförskott", "P"),
    ("postforskott", "P"),
    ("klarnacheckout", "KG"),
    ("klarna", "K"),
    ("swish", "SW"),
    ("sveacheckout", "SCH"),
    ("svea", "SP"),
    ("dibs", "DP"),
    ("paypal", "PL"),
    ("payson", "PY"),
    ("payer", "PE"),
    ("collector", "CL"),
    ("billmate", "BC"),
    ("auriga", "AE"),
    ("certitrade", "CN"),
    ("invoice", "I"),
    ("faktura", "I"),
    ("prepayment", "PP"),
    ("förskott", "PP"),
    ("bankgiro", "PP"),
    ("banktransfer", "PP"),
    ("store", "D"),
    ("butik", "D"),
]


def guess(id_code: str | None, name: str | None) -> str:
    """The code a shop payment method most likely is, or "" when we cannot tell (the merchant chooses)."""
    for text in (id_code or "", name or ""):
        folded = text.lower().replace(" ", "").replace("-", "").replace("_", "")
        for word, code in _GUESSES:
            if word in folded:
                return code
    return ""
