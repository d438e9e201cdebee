"""The project's own PostgreSQL and Redis (scripts/local_services.py), as `make run` uses them.

Every test works in a temporary folder on free ports, never on the machine's own cluster.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import redis
import requests

from scripts.local_services import LocalServices, pid_alive
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "Samarbejde-demo-2026"


@pytest.fixture
def folder():
    # When root, the cluster runs as the `postgres` user, which must be able to reach the folder
    # (pytest's own tmp_path lives in a folder only root may enter).
    path = Path(tempfile.mkdtemp(prefix="portal-local-test-"))
    path.chmod(0o711)
    yield path / "local"
    LocalServices(path / "local").stop()
    shutil.rmtree(path, ignore_errors=True)


def children(pid: int) -> set[int]:
    """All descendants of a process."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def test_start_gives_a_private_cluster_with_the_portals_extensions_and_a_private_redis(folder):
    env = LocalServices(folder).start()

    database, cache = env["DATABASE_URL"], env["REDIS_URL"]
    assert re.fullmatch(r"postgres://postgres:[0-9a-f]{48}@127\.0\.0\.1:\d+/portal", database)
    assert not database.endswith(":5432/portal")
    with psycopg2.connect(database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        assert "pg_trgm" in {row[0] for row in cursor.fetchall()}
        cursor.execute("SHOW listen_addresses")
        assert cursor.fetchone()[0] == "127.0.0.1"
        cursor.execute("SHOW data_directory")
        assert cursor.fetchone()[0] == str(folder / "postgres" / "data")
    conn.close()
    # Over loopback the cluster wants the password; it trusts only its unix socket.
    port = int(database.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="portal", connect_timeout=5)
    hba = (folder / "postgres" / "data" / "pg_hba.conf").read_text()
    assert [line.split() for line in hba.splitlines() if line and not line.startswith("#")] == [
        ["local", "all", "postgres", "trust"],
        ["host", "all", "postgres", "127.0.0.1/32", "scram-sha-256"],
    ]
    assert (folder / "postgres" / "run").stat().st_mode & 0o777 == 0o700
    assert (folder / "postgres" / "password").stat().st_mode & 0o777 == 0o600

    assert re.fullmatch(r"redis://127\.0\.0\.1:\d+/0", cache) and not cache.endswith(":6379/0")
    client = redis.Redis.from_url(cache)
    assert client.ping()
    assert client.config_get("save")["save"] == "" and client.config_get("appendonly")["appendonly"] == "no"
    assert client.config_get("bind")["bind"] == "127.0.0.1"
    client.close()


def test_data_survives_a_stop_and_the_next_start(folder):
    services = LocalServices(folder)
    first = services.start()["DATABASE_URL"]
    with psycopg2.connect(first) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('fra første start')")
    conn.close()
    services.stop()
    assert services.env() == {}

    second = LocalServices(folder).start()["DATABASE_URL"]
    with psycopg2.connect(second) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT note FROM kept")
        assert cursor.fetchall() == [("fra første start",)]
    conn.close()


def test_a_second_start_while_running_reuses_the_servers(folder):
    first = LocalServices(folder).start()
    assert LocalServices(folder).start() == first
    assert LocalServices(folder).env() == first


def test_stop_leaves_no_postgres_or_redis_process(folder):
    services = LocalServices(folder)
    services.start()
    postmaster, redis_pid = services.postgres.pid(), services.redis.pid()
    processes = {postmaster, redis_pid} | children(postmaster)
    assert len(processes) > 3  # the postmaster's checkpointer, writers, ... are counted too

    services.stop()

    assert [pid for pid in processes if pid_alive(pid)] == []
    assert not (folder / "postgres" / "data" / "postmaster.pid").exists()
    assert services.env() == {}


def test_auto_starts_only_what_is_missing(folder):
    services = LocalServices(folder)
    assert services.wanted({"EMBEDDED": "1", "DATABASE_URL": "postgres://x@h/d"}) == ["postgres", "redis"]
    assert services.wanted({"EMBEDDED": "0"}) == []
    assert services.wanted({"DATABASE_URL": "postgres://x@h/d", "REDIS_URL": "redis://h:1/0"}) == []
    # The machine's defaults are not consulted for a given URL; once the project has its own
    # cluster, make run keeps using it (its data is there).
    services.postgres.data.mkdir(parents=True)
    (services.postgres.data / "PG_VERSION").write_text("15\n")
    assert services.wanted({"REDIS_URL": "redis://h:1/0"}) == ["postgres"]


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"make run stopped:\n{log.read_text()[-3000:]}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"/healthz did not answer 200 in {timeout} s:\n{log.read_text()[-3000:]}")


def test_run_with_embedded_services_serves_the_portal_and_stops_everything_on_sigterm(folder):
    """`EMBEDDED=1 make run`: its own servers, migrations, demo data, web, worker and beat."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(EMBEDDED="1", PORTAL_LOCAL_DIR=str(folder), HOST="127.0.0.1", PORT=str(port), DEBUG="1")
    log = folder.parent / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_health(f"{base}/healthz", process, log, timeout=90)

        browser = requests.Session()
        page = browser.get(f"{base}/konto/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(
            f"{base}/konto/login/",
            data={"csrfmiddlewaretoken": token, "username": "tovholder@demo.dk", "password": DEMO_PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[-500:]
        assert browser.get(f"{base}/forloeb/", allow_redirects=False, timeout=10).status_code == 200

        services = LocalServices(folder)
        processes = children(process.pid) | {services.postgres.pid(), services.redis.pid()}
        processes |= children(services.postgres.pid())
        assert None not in processes

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert [pid for pid in processes if pid_alive(pid)] == []
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
    finally:  # after a failure: nothing of this run may outlive the test
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
