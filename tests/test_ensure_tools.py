"""scripts/ensure-tools.sh: what the make targets run before they need a system program.

Installing with apt is tried by hand (it changes the machine); these tests cover the answers a
person sees when nothing needs installing and when the script may not install.
"""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure-tools.sh"


def ensure(*tools: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run(
        ["/bin/bash", str(SCRIPT), *tools], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_installed_tools_need_nothing():
    result = ensure("redis-server", "postgresql", "gettext")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_apt_it_stops_at_once_with_one_line_naming_the_packages(tmp_path):
    # An empty PATH: wrk, docker-compose and apt-get are all out of reach.
    result = ensure("wrk", "docker-compose", "redis-server", path=str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Missing system packages: install Debian's wrk docker-compose redis-server "
        "(sudo apt-get install wrk docker-compose redis-server)."
    ]


def test_an_unknown_tool_is_an_error():
    result = ensure("wrk", "no-such-tool")
    assert result.returncode == 2
    assert "unknown tool 'no-such-tool'" in result.stderr


def test_weasyprint_names_its_debian_packages(tmp_path):
    # The PDF forms need Pango and a font; on this machine they are there, so nothing is asked for.
    assert ensure("weasyprint").returncode == 0
    # A tool may need several packages: all are named in the one line.
    script = SCRIPT.read_text()
    assert (
        'weasyprint) echo "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"' in script
    )


def test_the_scale_tests_load_balancer_and_pooler_are_debian_packages(tmp_path):
    # make scale-test needs HAProxy and PgBouncer; out of reach, they are named for apt.
    result = ensure("haproxy", "pgbouncer", path=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Missing system packages: install Debian's haproxy pgbouncer "
        "(sudo apt-get install haproxy pgbouncer)."
    ]
