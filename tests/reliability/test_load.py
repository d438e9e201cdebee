"""Load: a bounded wrk run (loopback only) on a mixed read workload with a logged-in session.

Asserts no errors and only 200 responses (a lost session would show as 302), and that the gunicorn
workers do not grow in memory over the run. 5 s in the default run, 60 s under `make reliability`.
"""

import re
import subprocess

import pytest

from core.roles import Role
from tests.reliability.servers import login
from tests.services import system_tool

MEMORY_TOLERANCE_KB = 30 * 1024

LUA = """
local paths = {%(paths)s}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d bad=%%d errors=%%d p99ms=%%d\\n", summary.requests, total_bad,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(99) / 1000))
end
"""


def run_wrk(server, session_cookie, paths, seconds, tmp_path):
    script = tmp_path / "mixed.lua"
    script.write_text(LUA % {"paths": ", ".join(f'"{path}"' for path in paths)})
    result = subprocess.run(
        [
            system_tool("wrk"),
            "--threads",
            "2",
            "--connections",
            "8",
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            "--header",
            f"Cookie: {session_cookie}",
            server.base_url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"RESULT requests=(\d+) bad=(\d+) errors=(\d+) p99ms=(\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    return {
        key: int(value)
        for key, value in zip(["requests", "bad", "errors", "p99ms"], match.groups(), strict=True)
    }


@pytest.mark.parametrize(
    "seconds", [pytest.param(5, id="smoke-5s"), pytest.param(60, id="full-60s", marks=pytest.mark.slow)]
)
def test_mixed_read_load_with_a_logged_in_session(seconds, web_server, make_user, organisation, tmp_path):
    from tilbud.models import Offer

    offers = [
        Offer.objects.create(organisation=organisation, name=f"Tilbud {n} tolk", description="Hver dag " * n)
        for n in range(30)
    ]
    user = make_user(role=Role.CASEWORKER, organisation=organisation, password="Belastning-kodeord-2026")
    server = web_server(redis_url="redis://127.0.0.1:1/0", workers=2, threads=4)  # pages need no Redis

    import requests

    browser = requests.Session()
    assert login(browser, server, user.email, "Belastning-kodeord-2026").status_code == 302
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    paths = [
        "/",
        "/tilbud/",
        "/tilbud/?q=tolk",
        f"/tilbud/{offers[3].pk}/",
        "/samarbejde/",
        f"/samarbejde/{organisation.municipality.slug}/",
        "/forloeb/",
        "/api/hsds/services?per_page=10",
    ]
    for path in paths:  # every path answers 200 for this user before the run
        assert browser.get(server.url(path), timeout=10, allow_redirects=False).status_code == 200, path

    run_wrk(server, cookie, paths, 2, tmp_path)  # warm up: imports, templates, connections
    before = server.worker_rss_kb()
    stats = run_wrk(server, cookie, paths, seconds, tmp_path)
    after = server.worker_rss_kb()

    assert stats["errors"] == 0, stats
    assert stats["bad"] == 0, (stats, server.log_text()[-3000:])
    assert stats["requests"] >= seconds * 5, stats  # it really ran
    assert set(after) == set(before), "a gunicorn worker died or was replaced during the run"
    growth = {pid: after[pid] - before[pid] for pid in before}
    assert all(kb < MEMORY_TOLERANCE_KB for kb in growth.values()), growth
    print(f"wrk {seconds}s: {stats}; worker RSS growth kB: {growth}")
