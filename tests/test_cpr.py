"""CPR validation table: format, real date, century from the 7th digit, modulus 11, masking."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from borgerforloeb import cpr


@pytest.mark.parametrize(
    ("value", "born", "mod11"),
    [
        ("070761-4005", date(1961, 7, 7), True),  # 7th digit 4, YY 37-99 -> 1900s
        ("0707614005", date(1961, 7, 7), True),  # ten digits without dash
        (" 070761-4005 ", date(1961, 7, 7), True),  # surrounding blanks ignored
        ("150360-1008", date(1960, 3, 15), True),  # 7th digit 0-3 -> always 1900s
        ("150301-1006", date(1901, 3, 15), True),
        ("010100-4007", date(2000, 1, 1), True),  # 7th digit 4, YY 00-36 -> 2000s
        ("010137-4009", date(1937, 1, 1), True),  # 7th digit 4, YY 37 -> 1900s
        ("010110-5008", date(2010, 1, 1), True),  # 7th digit 5-8, YY 00-57 -> 2000s
        ("010158-5018", date(1858, 1, 1), True),  # 7th digit 5-8, YY 58-99 -> 1800s
        ("010185-8006", date(1885, 1, 1), True),
        ("010120-9008", date(2020, 1, 1), True),  # 7th digit 9, YY 00-36 -> 2000s
        ("010199-9009", date(1999, 1, 1), True),  # 7th digit 9, YY 37-99 -> 1900s
        ("290200-4001", date(2000, 2, 29), True),  # leap day in 2000
        ("070761-4006", date(1961, 7, 7), False),  # fails modulus 11: still valid
        ("010120-5000", date(2020, 1, 1), False),
    ],
)
def test_valid_numbers(value, born, mod11):
    info = cpr.parse(value)
    assert info.birth_date == born
    assert info.modulus11_ok is mod11
    assert len(info.digits) == 10 and info.digits.isdigit()
    cpr.validate_cpr(value)  # never raises for a modulus-11 failure


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "cpr_format"),
        ("12345", "cpr_format"),
        ("070761-400", "cpr_format"),
        ("070761/4005", "cpr_format"),
        ("07076l-4005", "cpr_format"),
        ("0707-61-4005", "cpr_format"),
        ("320161-4005", "cpr_date"),  # day 32
        ("011361-4005", "cpr_date"),  # month 13
        ("000161-4005", "cpr_date"),  # day 0
        ("290201-4007", "cpr_date"),  # 2001 is not a leap year (7th digit 4, YY 01)
        ("290261-1234", "cpr_date"),  # 1961 is not a leap year
        ("010136-5000", "cpr_future"),  # 7th digit 5, YY 36 -> 2036: in the future
    ],
)
def test_invalid_numbers(value, code):
    with pytest.raises(ValidationError) as excinfo:
        cpr.parse(value)
    assert excinfo.value.code == code
    assert str(excinfo.value.messages[0])  # a Danish message for the form


def test_century_table():
    assert cpr.century(99, 0) == 1900
    assert cpr.century(0, 3) == 1900
    assert cpr.century(36, 4) == 2000
    assert cpr.century(37, 4) == 1900
    assert cpr.century(57, 6) == 2000
    assert cpr.century(58, 8) == 1800
    assert cpr.century(36, 9) == 2000
    assert cpr.century(37, 9) == 1900


def test_masked_display():
    assert cpr.mask("0707614005") == "070761-XXXX"
    assert cpr.mask("") == ""
    assert cpr.parse("070761-4005").masked == "070761-XXXX"
    assert cpr.formatted("0707614005") == "070761-4005"


def test_modulus11_warning_text_is_danish():
    assert "modulus 11" in str(cpr.MODULUS11_WARNING)
