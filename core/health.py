"""Checks of the services the portal depends on: /healthz, /healthz/ready and `manage.py preflight`."""

from __future__ import annotations

import threading
import time

import redis
from celery import current_app as celery_app
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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


# How long one process trusts its last "all migrations applied" answer (loading the migration
# graph costs tens of milliseconds; orchestrators probe every few seconds).
MIGRATIONS_CHECK_SECONDS = 30
_migrations_checked = {"at": float("-inf"), "pending": None}
_migrations_lock = threading.Lock()


def pending_migrations() -> list[str]:
    """The migrations this code has that the database has not applied (cached briefly when none)."""
    with _migrations_lock:
        if _migrations_checked["pending"] == [] and (
            time.monotonic() - _migrations_checked["at"] < MIGRATIONS_CHECK_SECONDS
        ):
            return []
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
        _migrations_checked.update(at=time.monotonic(), pending=pending)
        return pending


def readiness() -> dict[str, str]:
    """What keeps this node from taking traffic: {} when the database answers and is migrated."""
    problems = {}
    database = check_database()
    if database:
        problems["database"] = database
        return problems
    try:
        pending = pending_migrations()
    except Exception as exc:  # noqa: BLE001 - the database went away between the two checks
        problems["migrations"] = exc.__class__.__name__
    else:
        if pending:
            problems["migrations"] = f"{len(pending)} not applied"
    return problems
