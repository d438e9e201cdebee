"""/healthz/live and /healthz/ready for orchestrators, and gunicorn's graceful shutdown."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from core import health
from tests.services import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_checked", {"at": float("-inf"), "pending": None})


@pytest.mark.django_db
def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_is_migrated(client, fresh_migration_check):
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "problems": {}}


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_not_applied(client, fresh_migration_check):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations"
            " WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'core')"
        )
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["problems"] == {"migrations": "1 not applied"}


@pytest.mark.django_db
def test_the_migrated_answer_is_cached_briefly(client, fresh_migration_check, django_assert_max_num_queries):
    assert client.get("/healthz/ready").status_code == 200
    with django_assert_max_num_queries(1):  # SELECT 1 only, no reading of django_migrations
        assert client.get("/healthz/ready").status_code == 200


def test_gunicorn_finishes_a_running_request_on_sigterm(tmp_path):
    """SIGTERM during a request: the request is answered, then gunicorn exits by itself."""
    app = tmp_path / "slowapp.py"
    app.write_text(
        "import time\n"
        "def app(environ, start_response):\n"
        "    time.sleep(2)\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'done']\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "PYTHONPATH": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(ROOT / "config/gunicorn.conf.py"),
            "slowapp:app",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=30)
        result = {}
        request = threading.Thread(
            target=lambda: result.update(r=requests.get(f"http://127.0.0.1:{port}/", timeout=20))
        )
        request.start()
        time.sleep(0.7)
        server.send_signal(signal.SIGTERM)
        request.join(20)
        assert result["r"].status_code == 200 and result["r"].text == "done"
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
