"""Directory answers cached until the directory changes.

Searching, ranking and counting facets over the offers is the costly part of the directory, the
HSDS API and the offer picker (a broad word matches every offer, and ranking 10,000 matches costs
about 30 ms), yet an answer is the same for everyone who sees the same offers, until an offer or
what describes it changes. ``answer(question, compute, ...)`` keeps ``compute()`` in the shared
cache (Redis) under a key of:

- the directory's version: a random token, replaced whenever a model of the tilbud app, an
  organisation or a municipality is saved or deleted (``tilbud/signals.py``; bulk loaders call
  ``directory_changed()``), at the write and again when its transaction commits, so that no
  answer computed before the commit outlives it;
- the opening-hours epoch: the date and the last time of day at or before the moment asked about
  at which any offer opens or closes, because "open now" changes then and only then;
- whether the asker is signed in (internal offers are for signed-in users), and the question.

The version is read before the answer is computed, so an answer read from data older than a write
is stored under a version the write has replaced. An answer lives at most ``TTL`` seconds, which
bounds what a lagging read replica or a Redis outage (each process then caches in its own memory)
can leave behind.
"""

from __future__ import annotations

import bisect
import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from tilbud.models import LOCAL_TZ

VERSION_KEY = "tilbud:directory-version"
TTL = 300  # seconds an answer is kept at most

_BOUNDARIES_SQL = """
SELECT DISTINCT t FROM (
    SELECT opens_at AS t FROM tilbud_schedule UNION ALL SELECT closes_at FROM tilbud_schedule
    UNION ALL SELECT opens_at FROM tilbud_scheduleexception WHERE opens_at IS NOT NULL
    UNION ALL SELECT closes_at FROM tilbud_scheduleexception WHERE closes_at IS NOT NULL
) AS times ORDER BY t
"""


def _version() -> tuple[str, tuple]:
    """The directory's version token and the times of day at which any offer opens or closes."""
    current = cache.get(VERSION_KEY)
    if current is None:
        with connection.cursor() as cursor:
            cursor.execute(_BOUNDARIES_SQL)
            times = tuple(row[0] for row in cursor.fetchall())
        current = (uuid.uuid4().hex, times)
        if not cache.add(VERSION_KEY, current, None):
            current = cache.get(VERSION_KEY) or current
    return current


def directory_changed() -> None:
    """Every cached answer is stale: now, and again when the current transaction commits."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def _epoch(moment: datetime, times: tuple) -> tuple:
    local = timezone.localtime(moment, LOCAL_TZ)
    wall = local.time().replace(tzinfo=None)
    return local.date().isoformat(), bisect.bisect_right(times, wall)


def answer(question: tuple, compute: Callable[[], Any], *, signed_in: bool, moment: datetime | None = None):
    """``compute()``, or what it gave for the same question since the directory last changed."""
    token, times = _version()
    parts = (token, _epoch(moment or timezone.now(), times), bool(signed_in), question)
    key = "tilbud:answer:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL)
    return found
