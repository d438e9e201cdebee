"""The read replica router and the connection-pooler settings.

The replica here is a second connection to the test database (streaming replication itself is
exercised by `make scale-test`): what is checked is which connection runs the queries.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext

from core import replica as replica_module
from core.replica import PIN_COOKIE, ReplicaRouter, replica_available, replica_reads
from samarbejde.models import Municipality

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def replica(transactional_db, settings):
    """A ``replica`` connection; ``replica(PORT="1")`` is one that does not answer."""
    added = []

    def add(**overrides):
        config = {**connections["default"].settings_dict, **overrides}
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
        connections["replica"] = DatabaseWrapper(config, alias="replica")
        settings.REPLICA_ENABLED = True
        replica_module.reset_replica_state()
        added.append(True)
        return connections["replica"]

    yield add
    if added:
        connections["replica"].close()
        del connections["replica"]
    replica_module.reset_replica_state()


def replica_queries(client, path, **extra):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(path, **extra)
    # The page's own queries, not the router's health check of the replica.
    return response, sum("pg_is_in_recovery" not in query["sql"] for query in on_replica.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_directory_and_api_reads_go_to_the_replica_and_other_pages_do_not(client, replica):
    replica()
    Municipality.objects.create(name="Aarhus", slug="aarhus", code="751")
    for path in ["/tilbud/", "/api/hsds/services"]:
        response, count = replica_queries(client, path)
        assert response.status_code == 200, path
        assert count > 0, path
    response, count = replica_queries(client, "/")
    assert response.status_code == 200 and count == 0


@pytest.mark.django_db(transaction=True)
def test_a_user_who_just_wrote_reads_from_the_primary(client, replica, settings):
    replica()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tilbud/"})
    assert response.status_code == 302
    pinned_until = float(response.cookies[PIN_COOKIE].value)
    assert 0 < pinned_until - time.time() <= settings.REPLICA_PIN_SECONDS + 1
    response, count = replica_queries(client, "/tilbud/")
    assert response.status_code == 200 and count == 0
    client.cookies[PIN_COOKIE] = str(time.time() - 1)  # the pin has run out
    response, count = replica_queries(client, "/tilbud/")
    assert response.status_code == 200 and count > 0


@pytest.mark.django_db(transaction=True)
def test_a_replica_that_does_not_answer_sends_reads_to_the_primary(client, replica):
    replica(PORT="1")
    started = time.monotonic()
    assert client.get("/tilbud/").status_code == 200
    assert client.get("/api/hsds/services").status_code == 200
    assert time.monotonic() - started < 10
    assert replica_available() is False


@pytest.mark.django_db(transaction=True)
def test_a_replica_lagging_past_the_limit_is_skipped(client, replica, settings):
    replica()
    assert replica_available() is True
    settings.REPLICA_MAX_LAG_SECONDS = -1  # any replay lag, even none, is too much
    replica_module.reset_replica_state()
    response, count = replica_queries(client, "/tilbud/")
    assert response.status_code == 200 and count == 0


@pytest.mark.django_db(transaction=True)
def test_a_replica_failing_mid_request_is_retried_on_the_primary(client, replica):
    replica(PORT="1")
    # The last check found the replica healthy; it has gone down since.
    replica_module._state.update(checked_at=time.monotonic(), ok=True)
    response = client.get("/tilbud/")
    assert response.status_code == 200
    assert replica_module._state["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_writes_and_locking_reads_never_go_to_the_replica(replica):
    replica()
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Municipality) == "replica"
        assert router.db_for_write(Municipality) == "default"
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            municipality = Municipality.objects.create(name="Odense", slug="odense", code="461")
            with transaction.atomic():
                Municipality.objects.select_for_update().get(pk=municipality.pk)
        assert len(on_replica) == 0
    assert router.db_for_read(Municipality) == "default"  # unmarked code reads the primary
    assert router.allow_migrate("replica", "core") is False


def test_pooler_mode_turns_off_server_side_cursors_and_startup_options():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({a: [d.get('DISABLE_SERVER_SIDE_CURSORS', False), d['OPTIONS'].get('options'),"
        " d['CONN_MAX_AGE']] for a, d in s.DATABASES.items()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_REPLICA_URL": "postgres://portal@127.0.0.1:6433/portal",
    }
    plain = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert json.loads(plain.stdout) == {
        "default": [False, "-c jit=off", 60],
        "replica": [False, "-c jit=off", 60],
    }
    env["DATABASE_POOLER"] = "1"
    pooled = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert pooled.returncode == 0, pooled.stderr[-2000:]
    assert json.loads(pooled.stdout) == {"default": [True, None, 0], "replica": [True, None, 0]}
