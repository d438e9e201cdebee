"""PostgreSQL restarted under a running server: the first request afterwards succeeds.

gunicorn keeps database connections for 60 s (CONN_MAX_AGE); CONN_HEALTH_CHECKS makes Django test
a kept connection before the request uses it and reconnect when the server went away. Slow and
disruptive (it restarts the real cluster for a second or two), so only in `make reliability`.
"""

import glob
import os
import shutil
import subprocess
import time

import pytest
import requests
from django.db import connections

from core.roles import Role
from tests.reliability.servers import login

PASSWORD = "Genstart-kodeord-2026"


def restart_postgresql() -> None:
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if not versions or not shutil.which("pg_ctlcluster"):
        pytest.skip("needs a Debian PostgreSQL cluster (pg_ctlcluster)")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    deadline = time.monotonic() + 30
    while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        assert time.monotonic() < deadline, "PostgreSQL did not come back"
        time.sleep(0.2)


@pytest.mark.slow
def test_first_request_after_a_postgresql_restart_succeeds(web_server, make_user, organisation):
    user = make_user(role=Role.CASEWORKER, organisation=organisation, password=PASSWORD)
    # One worker thread, so the request after the restart reuses the connection kept from before.
    server = web_server(redis_url="redis://127.0.0.1:1/0", workers=1, threads=1)
    browser = requests.Session()
    assert login(browser, server, user.email, PASSWORD).status_code == 302
    for path in ["/forloeb/", "/tilbud/", "/samarbejde/"]:
        assert browser.get(server.url(path), timeout=10, allow_redirects=False).status_code == 200

    restart_postgresql()
    connections.close_all()  # this test process's own connection died too

    for path in ["/forloeb/", "/tilbud/", "/samarbejde/"]:
        response = browser.get(server.url(path), timeout=10, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code, server.log_text()[-3000:])
