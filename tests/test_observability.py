"""Request ids in logs and Celery tasks, and the Prometheus endpoint without personal data."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from celery import shared_task

from config.celery import app as celery_app
from core.request_id import HEADER, TASK_HEADER, current_request_id, request_id_var
from tests.services import RedisServer

ROOT = Path(__file__).resolve().parent.parent
seen_in_task = []


@shared_task(name="tests.observability.remember_request_id")
def remember_request_id():
    seen_in_task.append(current_request_id())


@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_a_plain_given_one_is_kept(client):
    first = client.get("/healthz/live")[HEADER]
    second = client.get("/healthz/live")[HEADER]
    assert len(first) == 32 and first != second
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID="lb-1234abcd")[HEADER] == "lb-1234abcd"
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID="<script>x</script>")[HEADER] != "<script>x</script>"


def test_json_log_lines_name_the_request_id():
    code = (
        "import django, logging; django.setup();"
        "from core.request_id import request_id_var; request_id_var.set('req-abc12345');"
        "logging.getLogger('portal.test').warning('hello')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": "json"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["request_id"] == "req-abc12345"
    assert line["message"] == "hello" and line["level"] == "WARNING" and line["logger"] == "portal.test"


def test_the_request_id_travels_in_the_task_headers_into_the_task():
    server = RedisServer()
    server.start()
    token = request_id_var.set("req-celery-0001")
    try:
        with celery_app.connection_for_write(server.url) as connection:
            celery_app.send_task("tests.observability.remember_request_id", connection=connection)
        raw = redis.Redis.from_url(server.url).lpop("celery")
        headers = json.loads(raw)["headers"]
        assert headers[TASK_HEADER] == "req-celery-0001"
    finally:
        request_id_var.reset(token)
        server.stop()
    # The worker side: the task runs with the id of the request that enqueued it, then forgets it.
    seen_in_task.clear()
    remember_request_id.apply(headers=headers)
    assert seen_in_task == ["req-celery-0001"]
    assert current_request_id() == "-"


@pytest.mark.django_db
def test_metrics_need_the_token_and_carry_no_personal_data(client, settings, make_user):
    user = make_user(email="person.secret@example.test")
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "scrape-token-123"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.force_login(user)
    client.get("/tilbud/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-123")
    assert response.status_code == 200
    text = response.content.decode()
    for metric in [
        "django_http_requests_latency_seconds_by_view_method",
        "django_db_execute_total",
        "portal_celery_queue_length",
        "portal_outbox_jobs",
        "portal_reminder_emails_sent_last_hour",
    ]:
        assert metric in text, metric
    assert 'view="tilbud:offer_list"' in text
    assert "person.secret" not in text
