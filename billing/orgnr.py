"""Swedish organisation numbers: ten digits written NNNNNN-NNNN, the last a Luhn check digit over
the first nine (Skatteverket's rule, the same as for personnummer)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FORM = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def normalise(value: str) -> str:
    """The number as NNNNNN-NNNN. Raises ValidationError for another form or a wrong check digit."""
    match = _FORM.match((value or "").strip().replace(" ", ""))
    if not match:
        raise ValidationError(_("Write the organisation number as NNNNNN-NNNN, e.g. 556677-8899."), code="format")
    if not luhn_ok(match[1] + match[2]):
        raise ValidationError(
            _("This organisation number's check digit is wrong: check it against your registration."), code="checksum"
        )
    return f"{match[1]}-{match[2]}"
