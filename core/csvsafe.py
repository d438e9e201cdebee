"""CSV cells that a spreadsheet will not run as formulas (CSV injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets. Every CSV the portal writes goes through ``neutralise``
(or ``SafeDictWriter``): such a cell gets a leading ``'``, which spreadsheets show as text. A
plain number (``-51.7``) is left alone: it cannot run anything. ``restore`` undoes it when the
portal reads its own file back.
"""

from __future__ import annotations

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def neutralise(value):
    """The cell as text a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def restore(value):
    """Read back a cell written by ``neutralise``."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell passes through ``neutralise``."""

    def writerow(self, rowdict):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})


class RestoringDictReader(csv.DictReader):
    """``csv.DictReader`` that reads back cells written by ``SafeDictWriter``."""

    def __next__(self):
        return {key: restore(value) for key, value in super().__next__().items()}
