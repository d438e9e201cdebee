"""Reliability tests: real gunicorn, Redis, Celery and PostgreSQL processes started by the tests.

Tests marked ``slow`` (60 s load run, PostgreSQL restart, ...) run only under ``make reliability``,
which sets RELIABILITY_SLOW=1; the fast ones run in the default ``make test``.
"""

import os

import pytest

from tests.reliability.servers import ProbeWorker, WebServer
from tests.services import RedisServer, reset_broker_pools

SLOW = os.environ.get("RELIABILITY_SLOW") == "1"


def pytest_runtest_setup(item):
    if item.get_closest_marker("slow") and not SLOW:
        pytest.skip("slow reliability test: run `make reliability` (RELIABILITY_SLOW=1)")


@pytest.fixture(autouse=True)
def _fresh_celery_connections():
    """Keep the Celery app on the suite's Redis, whatever a test does to CELERY_BROKER_URL.

    Celery copies its configuration from Django settings the first time it is read: if that
    happened while a test pointed CELERY_BROKER_URL at its own (later stopped) Redis, every later
    ping or publish through the app's pool would retry that dead server for ever. Read it now, and
    drop pooled connections afterwards.
    """
    from config.celery import app

    assert app.conf.broker_url
    yield
    if app._pool is not None or app.amqp._producer_pool is not None:
        reset_broker_pools(app)


@pytest.fixture
def redis_server():
    """A redis-server on a port of its own; the test may stop and start it."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def web_server(transactional_db):
    """Factory: start gunicorn against the test database; stopped after the test."""
    servers = []

    def start(**kwargs) -> WebServer:
        server = WebServer(**kwargs)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def probe_worker(transactional_db):
    """Factory: start a real Celery worker (knowing the probe task) on a given broker."""
    from django.conf import settings

    workers = []

    def start(broker_url: str) -> ProbeWorker:
        worker = ProbeWorker(database_name=settings.DATABASES["default"]["NAME"], broker_url=broker_url)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
