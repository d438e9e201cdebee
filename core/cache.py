"""Django's cache in Redis, shared by every web node, that keeps the portal working when Redis is down.

``CACHES["default"]`` (config/settings.py) is this backend. It is Django's own ``RedisCache`` with
two changes:

* When Redis does not answer (refused, timed out), the call is answered from a cache in this
  process' memory instead of failing the request, and Redis is not tried again for
  ``RETRY_AFTER`` seconds (an option, default 5), so a down Redis costs one short time-out per
  process and period, not one per call. Counters such as the CPR-check rate limit then count per
  process until Redis is back: degraded, never off.
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

    @property
    def redis_up(self) -> bool:
        """False while this process answers from memory after Redis failed."""
        return time.monotonic() >= self._down_until

    def _call(self, name, *args, **kwargs):
        if self.redis_up:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if self.redis_up:
                    logger.warning(
                        "Redis cache unavailable (%s): using process memory for %ss",
                        exc.__class__.__name__,
                        self.retry_after,
                    )
                self._down_until = time.monotonic() + self.retry_after
        return getattr(self._fallback, name)(*args, **kwargs)

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
