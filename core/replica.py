"""Read-only, lag-tolerant work on a streaming replica of PostgreSQL (when DATABASE_REPLICA_URL is set).

Only reads that are *marked* go to the replica, never a write and never by default:

* Requests: ``ReplicaRoutingMiddleware`` marks GET/HEAD requests whose URL namespace or URL name is
  listed in ``settings.REPLICA_ROUTES`` (reports, the public directory, the HSDS API, the
  benchmark's floor). Another app joins by adding its namespace to that setting.
* Code (a report task, a heavy benchmark read): ``with replica_reads(): ...``.

Inside a marked block ``ReplicaRouter`` sends reads to ``replica``; writes (and
``select_for_update``) always go to ``default``. The replica is skipped, and reads go to the
primary, when:

* the user wrote something in the last ``REPLICA_PIN_SECONDS`` (a cookie set after every successful
  POST/PUT/PATCH/DELETE: they read their own writes);
* the replica does not answer, or replays more than ``REPLICA_MAX_LAG_SECONDS`` behind the primary
  (checked at most every ``REPLICA_CHECK_SECONDS`` per process);
* a query on the replica fails during a request: the request is then run again on the primary.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "portal_primary_until"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_reads_on_replica = contextvars.ContextVar("reads_on_replica", default=False)
_replica_used = contextvars.ContextVar("replica_used", default=False)
_state = {"checked_at": float("-inf"), "ok": False}
_state_lock = threading.Lock()

# Seconds the replica's replay is behind the primary's last commit; 0 when it has replayed all it
# received (an idle primary makes pg_last_xact_replay_timestamp() old without any lag), or when the
# server is no replica at all.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_configured() -> bool:
    return settings.REPLICA_ENABLED


def replica_lag_seconds() -> float:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def mark_replica_down() -> None:
    with _state_lock:
        _state.update(checked_at=time.monotonic(), ok=False)
    with suppress(DatabaseError):
        connections[REPLICA].close()


def replica_available() -> bool:
    """Whether reads may go to the replica now (cached for REPLICA_CHECK_SECONDS)."""
    if not replica_configured():
        return False
    with _state_lock:
        if time.monotonic() - _state["checked_at"] < settings.REPLICA_CHECK_SECONDS:
            return _state["ok"]
        try:
            lag = replica_lag_seconds()
        except DatabaseError as exc:
            logger.warning("Read replica unavailable (%s): reading from the primary", exc.__class__.__name__)
            ok = False
        else:
            ok = lag <= settings.REPLICA_MAX_LAG_SECONDS
            if not ok:
                logger.warning("Read replica %.1fs behind: reading from the primary", lag)
        _state.update(checked_at=time.monotonic(), ok=ok)
        if not ok:
            with suppress(DatabaseError):
                connections[REPLICA].close()
        return ok


def reset_replica_state() -> None:
    """Forget the last health answer (tests, and after the replica was replaced)."""
    with _state_lock:
        _state.update(checked_at=float("-inf"), ok=False)


@contextmanager
def replica_reads(enabled: bool = True):
    """Reads inside this block may go to the replica (writes never do)."""
    token = _reads_on_replica.set(enabled)
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: marked reads to ``replica`` when it is healthy, all else to ``default``."""

    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and replica_available():
            _replica_used.set(True)
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def read_connection():
    """The connection for a raw read-only SQL query: the replica inside a marked block when it is
    healthy, else the primary (``with read_connection().cursor() as cursor: ...``)."""
    return connections[ReplicaRouter().db_for_read(None)]


def route_eligible(resolver_match) -> bool:
    """Whether the URL's namespace or name is listed in REPLICA_ROUTES."""
    if resolver_match is None:
        return False
    routes = set(settings.REPLICA_ROUTES)
    return bool(
        routes & set(resolver_match.namespaces)
        or resolver_match.view_name in routes
        or resolver_match.url_name in routes
    )


def pinned_to_primary(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaRoutingMiddleware:
    """Marks replica-eligible reads and pins a user to the primary for a while after a write.

    Listed last in MIDDLEWARE: its ``process_view`` calls the view itself so that a replica that
    fails mid-request is retried on the primary, and no other middleware's ``process_view``
    may come after it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in SAFE_METHODS and response.status_code < 400:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (
            replica_configured()
            and request.method in SAFE_METHODS
            and route_eligible(request.resolver_match)
            and not pinned_to_primary(request)
        ):
            return None
        used = _replica_used.set(False)
        try:
            with replica_reads():
                try:
                    return view_func(request, *view_args, **view_kwargs)
                except (OperationalError, InterfaceError):
                    if not _replica_used.get():
                        raise
                    logger.warning("Read replica failed during a request: retrying on the primary")
                    mark_replica_down()
            return view_func(request, *view_args, **view_kwargs)
        finally:
            _replica_used.reset(used)
