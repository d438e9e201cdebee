"""Sessions read from Redis, kept in PostgreSQL (``SESSION_ENGINE``): no database query per request.

Django's ``cached_db`` store with one change: while Redis is down (``ResilientRedisCache``
answers from process memory), sessions are read from the database, never from one process'
memory, so that a sign-out on another web node counts at once. What changed during the outage is
deleted from Redis when it is back (``core.cache``), so a signed-out session does not return.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(CachedDBStore):
    def load(self):
        if not getattr(self._cache, "redis_up", True):
            return DBStore.load(self)
        return super().load()
