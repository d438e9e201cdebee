"""CPR numbers: parsing, validation, masking.

A CPR number is DDMMYY-SSSS. The century of the birth year follows from the 7th digit (the
first digit of the serial number) and the two-digit year, per the CPR office's table:

==========  ==========  ==========  ==========
7th digit   YY 00-36    YY 37-57    YY 58-99
==========  ==========  ==========  ==========
0-3         1900        1900        1900
4, 9        2000        1900        1900
5-8         2000        2000        1800
==========  ==========  ==========  ==========

Since 2007 numbers without the modulus-11 check exist, so a failing check is only a warning.
Only the ten digits are stored; they are never logged, put in URLs, titles or e-mails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CPR_INPUT = re.compile(r"^(\d{6})-?(\d{4})$")
MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


@dataclass(frozen=True)
class CprInfo:
    digits: str
    birth_date: date
    modulus11_ok: bool

    @property
    def masked(self) -> str:
        return mask(self.digits)


def normalise(value: str) -> str:
    """Return the ten digits of ``value`` (DDMMYY-SSSS or DDMMYYSSSS), or raise ValidationError."""
    cleaned = (value or "").strip().replace(" ", "")
    match = CPR_INPUT.match(cleaned)
    if not match:
        raise ValidationError(
            _("CPR-nummeret skal skrives som DDMMÅÅ-XXXX eller 10 cifre."), code="cpr_format"
        )
    return match.group(1) + match.group(2)


def century(yy: int, seventh_digit: int) -> int:
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5-8
    if yy <= 57:
        return 2000
    return 1800


def birth_date(digits: str) -> date:
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    year = century(yy, int(digits[6])) + yy
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("De første seks cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ)."), code="cpr_date"
        ) from None


def modulus11_ok(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, MOD11_WEIGHTS, strict=True)) % 11 == 0


def parse(value: str) -> CprInfo:
    """Validate ``value`` fully; raise ValidationError (format or date), never for modulus 11."""
    digits = normalise(value)
    born = birth_date(digits)
    if born > date.today():
        raise ValidationError(_("Fødselsdatoen i CPR-nummeret ligger i fremtiden."), code="cpr_future")
    return CprInfo(digits=digits, birth_date=born, modulus11_ok=modulus11_ok(digits))


def validate_cpr(value: str) -> None:
    """Model/form field validator (accepts the stored 10-digit form and the dashed form)."""
    if value:
        parse(value)


def mask(digits: str) -> str:
    """DDMMYY-XXXX; empty for no CPR."""
    if not digits:
        return ""
    return f"{digits[:6]}-XXXX"


def formatted(digits: str) -> str:
    """DDMMYY-SSSS, for the audited "show" only."""
    if not digits:
        return ""
    return f"{digits[:6]}-{digits[6:]}"


MODULUS11_WARNING = _(
    "CPR-nummeret består ikke modulus 11-kontrollen. Det kan være korrekt (numre uden kontrol "
    "findes siden 2007), men tjek det en ekstra gang."
)
