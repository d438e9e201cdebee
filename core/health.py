"""Checks of the services the portal depends on, used by /healthz and `manage.py preflight`."""

from __future__ import annotations

import redis
from celery import current_app as celery_app
from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    """None when the database answers, else a short reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return exc.__class__.__name__
    return None


def check_redis(url: str | None = None) -> str | None:
    client = redis.Redis.from_url(url or settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return exc.__class__.__name__
    finally:
        client.close()
    return None


def check_worker(broker_url: str | None = None) -> str | None:
    """Ask the Celery workers to answer a ping over the broker."""
    try:
        with celery_app.connection_for_write(broker_url or settings.CELERY_BROKER_URL) as conn:
            replies = celery_app.control.ping(timeout=1.0, connection=conn)
    except Exception as exc:  # noqa: BLE001
        return exc.__class__.__name__
    return None if replies else "no worker answered"


def service_states() -> dict[str, dict]:
    states = {"database": check_database(), "redis": check_redis()}
    # Without Redis no worker can be reached; do not wait for the ping to time out.
    states["worker"] = "redis is down" if states["redis"] else check_worker()
    return {
        name: {"up": reason is None, **({"error": reason} if reason else {})}
        for name, reason in states.items()
    }
