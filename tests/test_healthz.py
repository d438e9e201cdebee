"""/healthz reports database, Redis and Celery worker, with Redis really stopped."""

import pytest
from django.test import override_settings

from tests.services import RedisServer


@pytest.mark.django_db
def test_healthz_all_up_with_a_real_worker(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert {name: state["up"] for name, state in body["services"].items()} == {
        "database": True,
        "redis": True,
        "worker": True,
    }


@pytest.mark.django_db
def test_healthz_names_redis_and_worker_when_redis_is_stopped(client):
    server = RedisServer()
    server.start()
    try:
        url = server.url
        with override_settings(REDIS_URL=url, CELERY_BROKER_URL=url):
            up = client.get("/healthz").json()
            assert up["services"]["redis"]["up"] is True
            assert up["services"]["worker"]["up"] is False  # nobody listens on this broker
            server.stop()
            response = client.get("/healthz")
    finally:
        server.stop()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert set(body["down"]) == {"redis", "worker"}
    assert body["services"]["database"]["up"] is True


@pytest.mark.django_db
def test_healthz_with_redis_on_a_closed_port(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0", CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "redis" in response.json()["down"]


def test_a_worker_is_found_after_an_earlier_test_closed_the_broker_pools(settings):
    """Kombu's pools live for the whole test process: one closed by an earlier test (stopping its
    own broker, say) must not leave the next worker unreachable ("Acquire on closed pool")."""
    from config.celery import app
    from tests.services import CeleryWorker

    app.pool.force_close_all()
    worker = CeleryWorker(
        database_name=settings.DATABASES["default"]["NAME"], broker_url=settings.CELERY_BROKER_URL
    )
    try:
        worker.start()
    finally:
        worker.stop()
