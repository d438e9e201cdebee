"""Danish working days: weekdays that are not Danish public holidays (the ``holidays`` library)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_before(day: date, n: int) -> date:
    """The date ``n`` working days before ``day`` (``day`` itself not counted)."""
    current = day
    left = n
    while left > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
