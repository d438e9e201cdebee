"""Django's cache in Redis, shared by every web node, that keeps the portal working when Redis is down.

``CACHES["default"]`` (config/settings.py) is this backend. It is Django's own ``RedisCache`` with
two changes:

* When Redis does not answer (refused, timed out), the call is answered from a cache in this
  process' memory instead of failing the request, and Redis is not tried again for
  ``RETRY_AFTER`` seconds (an option, default 5), so a down Redis costs one short time-out per
  process and period, not one per call. Counters such as the CPR-check rate limit then count per
  process until Redis is back: degraded, never off.
* What this process wrote or deleted while Redis was down is deleted from Redis when it answers
  again, so that Redis never serves a value older than the outage's writes (a signed-out session
  coming back, for one: ``core.sessions``).
* ``clear()`` deletes only the keys under this cache's ``KEY_PREFIX``: the Celery broker may use
  the same Redis database, and ``FLUSHDB`` would drop its queues.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# The writes, each with the position of its ``version`` argument.
_WRITES = {"add": 3, "set": 3, "touch": 2, "delete": 1, "incr": 2, "set_many": 2, "delete_many": 1}
_DIRTY_MAX = 100_000  # past this many keys written during an outage, clear the whole prefix

_FALLBACK_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.retry_after = float(params["OPTIONS"].pop("RETRY_AFTER", 5))
        super().__init__(server, params)
        if not self.key_prefix:
            raise ValueError("ResilientRedisCache needs a KEY_PREFIX (clear() deletes only its keys).")
        self._fallback = LocMemCache(f"resilient-redis-fallback-{id(self)}", params)
        self._down_until = 0.0
        self._dirty: set[tuple[str, int | None]] = set()  # (key, version) written while down
        self._dirty_overflow = False

    @property
    def redis_up(self) -> bool:
        """False while this process answers from memory after Redis failed."""
        return time.monotonic() >= self._down_until

    def _call(self, name, *args, **kwargs):
        if self.redis_up:
            try:
                if self._dirty or self._dirty_overflow:
                    self._forget_outage_writes()
                return getattr(super(), name)(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if self.redis_up:
                    logger.warning(
                        "Redis cache unavailable (%s): using process memory for %ss",
                        exc.__class__.__name__,
                        self.retry_after,
                    )
                self._down_until = time.monotonic() + self.retry_after
        if name in _WRITES:
            self._remember_write(name, args, kwargs)
        return getattr(self._fallback, name)(*args, **kwargs)

    def _remember_write(self, name, args, kwargs) -> None:
        keys = args[0] if args else kwargs.get("keys", kwargs.get("data", kwargs.get("key")))
        keys = list(keys) if name in ("set_many", "delete_many") else [keys]
        at = _WRITES[name]
        version = args[at] if len(args) > at else kwargs.get("version")
        self._dirty.update((key, version) for key in keys)
        if len(self._dirty) > _DIRTY_MAX:
            self._dirty.clear()
            self._dirty_overflow = True

    def _forget_outage_writes(self) -> None:
        """Delete from Redis what this process changed while it could not reach it (raises the
        connection error if Redis fails again, so the caller falls back as before)."""
        if self._dirty_overflow:
            self._dirty_overflow = False
            self._dirty.clear()
            self.clear()
            return
        dirty, self._dirty = self._dirty, set()
        try:
            for version in {version for _key, version in dirty}:
                super().delete_many([key for key, v in dirty if v == version], version=version)
        except (redis.ConnectionError, redis.TimeoutError):
            self._dirty |= dirty
            raise

    def clear(self):
        self._fallback.clear()
        if not self.redis_up:
            return
        try:
            client = self._cache.get_client(write=True)
            batch = []
            for key in client.scan_iter(match=f"{self.key_prefix}:*", count=500):
                batch.append(key)
                if len(batch) >= 500:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        except (redis.ConnectionError, redis.TimeoutError):
            self._down_until = time.monotonic() + self.retry_after


def _fallback_method(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(RedisCache, name).__doc__
    return method


for _name in _FALLBACK_METHODS:
    setattr(ResilientRedisCache, _name, _fallback_method(_name))
