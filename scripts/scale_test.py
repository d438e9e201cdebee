"""`make scale-test`: the portal scaled out on loopback, under load, with a node and the replica failing.

Starts, in one temporary folder and on free ports of 127.0.0.1 only: its own PostgreSQL primary and
streaming replica, PgBouncer (transaction mode) in front of the primary, a private redis-server,
three gunicorn web nodes behind HAProxy (health checks on /healthz/ready), two Celery workers, two
Celery beats and an SMTP sink. Then it migrates (straight on the primary), seeds the demo data
(through PgBouncer) and checks:

* a session signed in on one node is signed in on the other two;
* directory, HSDS and report reads are answered by the replica; a user who just wrote reads their
  own write (pinned to the primary) while the replica's replay is paused;
* a mixed wrk load (public and signed-in pages) through HAProxy for SCALE_TEST_SECONDS (60) seconds,
  during which one web node is killed and, later, the replica is stopped: at most 0.1 % of the
  requests fail, none after HAProxy marked the node down, none after the replica stopped;
* with two workers and two beats firing the reminder scan every few seconds, every reminder is
  e-mailed exactly once.

It prints PASS/FAIL per check and exits 1 when one failed. Every process it started is stopped and
the folder removed on the way out, also after a failure, Ctrl-C or SIGTERM; the whole run is bounded
(SCALE_TEST_SECONDS + 10 minutes at most). Standard library, plus aiosmtpd from the dev requirements.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.local_services import (  # noqa: E402
    LocalPostgres,
    LocalRedis,
    ServiceError,
    free_port,
    pid_alive,
    wait_for_port,
)

SECONDS = int(os.environ.get("SCALE_TEST_SECONDS", "60"))
PASSWORD = "Samarbejde-demo-2026"  # the demo logins' password (seed_demo)
CASEWORKER = "sagsbehandler@demo.dk"
ANALYST = "analytiker@demo.dk"
PUBLIC_PATHS = ["/tilbud/", "/api/hsds/services"]
SIGNED_IN_PATHS = ["/", "/forloeb/", "/notifikationer/"]
SCAN_EVERY_SECONDS = 5
MAX_FAILED_SHARE = 0.001
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"


class Failed(Exception):
    """Setup went wrong: the run stops and reports it."""


class Interrupted(BaseException):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes -------------------------------------------------------------------------------------
class Replica(LocalPostgres):
    """A hot standby made by pg_basebackup from the primary (no database to create: it is read-only)."""

    def create_database(self, database=None):
        return None

    def clone(self, primary: LocalPostgres) -> None:
        owner = self.owner
        self.folder.mkdir(parents=True)
        self.socket_dir.mkdir(mode=0o700)
        shutil.copy(primary.password_file, self.password_file)
        for path in (self.folder, self.socket_dir, self.password_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        self.folder.chmod(0o700)
        conninfo = primary.url("postgres").replace("postgres://", "postgresql://")
        result = self._run(
            [str(self.bindir() / "pg_basebackup"), "-d", conninfo, "-D", str(self.data)]
            + ["-R", "-X", "stream", "-c", "fast"]
        )
        if result.returncode != 0:
            raise Failed(f"pg_basebackup failed: {result.stderr.strip()}")


class Processes:
    """Every long-running process of the run, each in its own process group, logging to a file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, subprocess.Popen] = {}

    def log_path(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self, name: str, args: list[str], env: dict | None = None, as_user=None) -> subprocess.Popen:
        kwargs = {}
        if as_user is not None and os.geteuid() == 0 and as_user.pw_uid != 0:
            kwargs.update(user=as_user.pw_uid, group=as_user.pw_gid, extra_groups=[])
        out = self.log_path(name).open("ab")
        if kwargs:
            os.chown(self.log_path(name), as_user.pw_uid, as_user.pw_gid)
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        out.close()
        self.running[name] = process
        return process

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.running.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
        for process in self.running.values():
            # The group too: a gunicorn or celery master's children, if the master died first.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)

    def tail(self, name: str, lines: int = 8) -> str:
        path = self.log_path(name)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- HTTP --------------------------------------------------------------------------------------------
class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body
        self.cookies = {}
        for name, value in headers:
            if name.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                self.cookies.update({key: morsel.value for key, morsel in jar.items()})

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")


def call(
    port: int, method: str, path: str, cookies: dict | None = None, form: dict | None = None
) -> Response:
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def sign_in(port: int, email: str) -> dict:
    """The cookies of a fresh session of ``email`` (signed in through the node on ``port``)."""
    page = call(port, "GET", "/konto/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status != 200 or not token:
        raise Failed(f"no login form on port {port} (status {page.status})")
    cookies = dict(page.cookies)
    answer = call(
        port,
        "POST",
        "/konto/login/",
        cookies,
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    cookies.update(answer.cookies)
    if answer.status != 302 or "sessionid" not in answer.cookies or "/konto/" in answer.header("Location"):
        raise Failed(f"signing in {email} failed (status {answer.status}, to {answer.header('Location')})")
    return cookies


def without_pin(cookies: dict) -> dict:
    return {key: value for key, value in cookies.items() if key != "portal_primary_until"}


# --- the run ----------------------------------------------------------------------------------------
class ScaleTest:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="portal-scale-"))
        self.folder.chmod(0o755)  # the postgres user (when we are root) must enter it
        self.processes = Processes(self.folder)
        self.primary = LocalPostgres(self.folder / "primary")
        self.replica = Replica(self.folder / "replica")
        self.redis = LocalRedis(self.folder / "redis")
        self.results: list[tuple[str, bool, str]] = []
        self.nodes: dict[str, int] = {}
        self.env: dict[str, str] = {}
        self.smtp = None
        self.mails: list[tuple[tuple[str, ...], str]] = []
        self.mails_lock = threading.Lock()

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, bool(ok), detail))
        log(f"{'PASS' if ok else 'FAIL'}  {name}{f' ({detail})' if detail else ''}")
        return bool(ok)

    # --- setup --------------------------------------------------------------------------------------
    def start_databases(self) -> None:
        log(f"PostgreSQL primary and streaming replica in {self.folder}")
        self.primary.init()
        owner = self.primary.owner
        with (self.primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 scram-sha-256\n")
        with (self.primary.data / "postgresql.conf").open("a") as conf:
            conf.write("max_connections = 200\nmax_wal_senders = 4\n")
        os.chown(self.primary.data / "pg_hba.conf", owner.pw_uid, owner.pw_gid)
        self.primary.start()
        self.primary.psql("ALTER DATABASE portal SET jit = off")
        self.primary.psql("ALTER DATABASE portal SET timezone = 'UTC'")
        self.replica.clone(self.primary)
        self.replica.start()
        deadline = time.monotonic() + 30
        while self.primary.psql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1":
            if time.monotonic() > deadline:
                raise Failed("the replica does not stream from the primary")
            time.sleep(0.2)

    def start_pgbouncer(self) -> str:
        owner = self.primary.owner
        folder = self.folder / "pgbouncer"
        folder.mkdir()
        password = self.primary.password_file.read_text().strip()
        port = free_port()
        (folder / "userlist.txt").write_text(f'"postgres" "{password}"\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"portal = host=127.0.0.1 port={self.primary.running_port()} dbname=portal\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {folder / 'userlist.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = 40\n"
            "admin_users = postgres\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        for path in (folder, folder / "userlist.txt", folder / "pgbouncer.ini"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        folder.chmod(0o700)
        self.processes.start("pgbouncer", ["pgbouncer", str(folder / "pgbouncer.ini")], as_user=owner)
        if not wait_for_port(port, 15):
            raise Failed(f"PgBouncer did not start: {self.processes.tail('pgbouncer', 3)}")
        self.pgbouncer_admin = f"postgresql://postgres:{password}@127.0.0.1:{port}/pgbouncer"
        return f"postgres://postgres:{password}@127.0.0.1:{port}/portal"

    def django_env(self, pooler_url: str, smtp_port: int) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CACHE_"))}
        env.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            DATABASE_URL=pooler_url,
            DATABASE_POOLER="1",
            DATABASE_REPLICA_URL=self.replica.url(),
            REDIS_URL=self.redis.url(0),
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_USE_TLS="0",
            EMAIL_TIMEOUT="5",
            LOG_LEVEL="WARNING",
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="4",
            GUNICORN_GRACEFUL_TIMEOUT="5",
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *args: str, env: dict, timeout: int = 600) -> None:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            tail = " / ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
            raise Failed(f"manage.py {' '.join(args)} failed: {tail}")

    def start_smtp(self) -> int:
        from aiosmtpd.controller import Controller

        run = self

        class Sink:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                subject = re.search(rb"^Subject: (.*)$", envelope.content, re.M)
                with run.mails_lock:
                    run.mails.append((tuple(envelope.rcpt_tos), subject.group(1).decode() if subject else ""))
                return "250 OK"

        port = free_port()
        self.smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
        self.smtp.start()
        return port

    def start_web(self, count: int = 3) -> None:
        for index in range(1, count + 1):
            port = free_port()
            name = f"web{index}"
            env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            self.processes.start(
                name, [str(BIN / "gunicorn"), "--config", "config/gunicorn.conf.py", "config.wsgi"], env
            )
            self.nodes[name] = port
        for name, port in self.nodes.items():
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError):
                    if call(port, "GET", "/healthz/ready").status == 200:
                        break
                if time.monotonic() > deadline or self.processes.running[name].poll() is not None:
                    raise Failed(f"{name} is not ready: {self.processes.tail(name, 5)}")
                time.sleep(0.3)

    def start_haproxy(self) -> int:
        port = free_port()
        self.haproxy_socket = self.folder / "haproxy.sock"
        servers = "".join(f"  server {name} 127.0.0.1:{p} check\n" for name, p in self.nodes.items())
        config = self.folder / "haproxy.cfg"
        config.write_text(
            "global\n"
            f"  stats socket {self.haproxy_socket} mode 600 level admin\n"
            "  log stdout format raw local0\n"
            "  maxconn 2000\n"
            "defaults\n"
            "  mode http\n  log global\n"
            '  log-format "%Ts.%ms %ST %s %tsc %HM %HP"\n'
            "  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n"
            "  retries 3\n  option redispatch 1\n"
            "  retry-on conn-failure empty-response junk-response response-timeout\n"
            "frontend portal\n"
            f"  bind 127.0.0.1:{port}\n"
            "  default_backend nodes\n"
            "backend nodes\n"
            "  balance roundrobin\n"
            "  option httpchk\n"
            "  http-check send meth GET uri /healthz/ready ver HTTP/1.1 hdr Host 127.0.0.1\n"
            "  http-check expect status 200\n"
            "  default-server inter 500ms fall 2 rise 2\n" + servers
        )
        self.processes.start("haproxy", ["haproxy", "-db", "-f", str(config)])
        if not wait_for_port(port, 15):
            raise Failed(f"HAProxy did not start: {self.processes.tail('haproxy', 3)}")
        deadline = time.monotonic() + 30
        while set(self.server_states().values()) != {"UP"}:
            if time.monotonic() > deadline:
                raise Failed(f"HAProxy does not see every node up: {self.server_states()}")
            time.sleep(0.3)
        return port

    def server_states(self) -> dict[str, str]:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.haproxy_socket))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == "nodes" and row["svname"] in self.nodes
        }

    def start_background(self) -> None:
        for index in (1, 2):
            self.processes.start(
                f"worker{index}",
                [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2"]
                + ["--hostname", f"scale{index}@%h"],
                self.env,
            )
        for index in (1, 2):
            self.processes.start(
                f"beat{index}",
                [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"]
                + ["--schedule", str(self.folder / f"beat{index}-schedule"), "--max-interval", "2"],
                self.env,
            )

    def setup(self) -> None:
        self.start_databases()
        self.redis.start()
        pooler_url = self.start_pgbouncer()
        smtp_port = self.start_smtp()
        self.env = self.django_env(pooler_url, smtp_port)
        log("migrate (straight on the primary), seed_demo (through PgBouncer), collectstatic")
        direct = {**self.env, "DATABASE_URL": self.primary.url(), "DATABASE_POOLER": "0"}
        direct.pop("DATABASE_REPLICA_URL")
        self.manage("migrate", "--noinput", env=direct)
        self.manage("seed_demo", "--force", env=self.env)  # a throw-away database
        self.manage("collectstatic", "--noinput", "-v0", env=self.env)
        # The reminder scan every few seconds instead of every quarter of an hour.
        self.primary.psql(
            "UPDATE django_celery_beat_intervalschedule "
            f"SET every = {SCAN_EVERY_SECONDS}, period = 'seconds' "
            "WHERE id IN (SELECT interval_id FROM django_celery_beat_periodictask "
            "WHERE task = 'core.tasks.run_reminder_scans');"
            "UPDATE django_celery_beat_periodictasks SET last_update = now()",
            "portal",
        )
        log("three web nodes, HAProxy")
        self.start_web()
        self.port = self.start_haproxy()
        log(f"HAProxy on 127.0.0.1:{self.port} in front of {', '.join(self.nodes)}")

    # --- checks ---------------------------------------------------------------------------------------
    def check_sessions(self) -> None:
        names = list(self.nodes)
        cookies = sign_in(self.nodes[names[0]], CASEWORKER)
        session = {"sessionid": cookies["sessionid"]}
        bad = []
        for name in names[1:]:
            for path in SIGNED_IN_PATHS:
                answer = call(self.nodes[name], "GET", path, session)
                if answer.status != 200 or CASEWORKER not in answer.text and "Log ud" not in answer.text:
                    bad.append(f"{name} {path}: {answer.status}")
        self.check(
            "session signed in on one node is signed in on the others",
            not bad,
            "; ".join(bad)
            or f"signed in on {names[0]}, {len(SIGNED_IN_PATHS)} pages on {', '.join(names[1:])}",
        )

    def replica_scans(self, prefix: str) -> int:
        """Sequential plus index scans of the replica's tables whose names start with ``prefix``."""
        return int(
            self.replica.psql(
                "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables "
                f"WHERE relname LIKE '{prefix}%'",
                "portal",
            )
        )

    def check_replica_reads(self) -> None:
        analyst = without_pin(sign_in(self.port, ANALYST))
        for label, prefix, paths, cookies in (
            ("directory and HSDS reads", "tilbud_", PUBLIC_PATHS, {}),
            ("report reads", "rapporter_", ["/rapporter/landet/"], analyst),
        ):
            time.sleep(1.5)
            before = self.replica_scans(prefix)
            statuses = Counter(call(self.port, "GET", path, cookies).status for path in paths * 5)
            time.sleep(1.5)  # PostgreSQL reports a session's statistics within a second
            delta = self.replica_scans(prefix) - before
            self.check(
                f"{label} hit the replica",
                delta >= 5 and set(statuses) == {200},
                f"{delta} scans of {prefix}* tables on the replica for {sum(statuses.values())} requests, "
                f"statuses {dict(statuses)}",
            )

    def editable_offer(self) -> tuple[dict, str]:
        """A signed-in demo user's cookies (no pin) and an offer that user may confirm."""
        script = (
            "from core.models import User; from tilbud.models import Offer\n"
            "for user in User.objects.filter(email__endswith='@demo.dk', is_superuser=False, is_staff=False)"
            ".order_by('email'):\n"
            "    pk = Offer.objects.editable_by(user).values_list('pk', flat=True).first()\n"
            "    if pk:\n"
            "        print(user.email, pk)\n"
        )
        env = {**self.env, "DATABASE_URL": self.primary.url(), "DATABASE_POOLER": "0"}
        result = subprocess.run(
            [PY, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for email, pk in re.findall(r"^(\S+@demo\.dk) ([0-9a-f-]{36})$", result.stdout, re.M):
            with contextlib.suppress(Failed):  # e.g. a user who must set up two-factor first
                return without_pin(sign_in(self.port, email)), pk
        raise Failed(f"no demo user may confirm an offer: {result.stderr.strip()[-300:]}")

    def check_pinning(self) -> None:
        """With the replica's replay paused, a user's own write is read back (from the primary) while
        a reader without the pin cookie still gets the replica's older answer."""
        cookies, pk = self.editable_offer()
        self.primary.psql(f"UPDATE tilbud_offer SET assured_date = '2020-01-01' WHERE id = '{pk}'", "portal")
        lsn = self.primary.psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + 20
        while self.replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") != "t":
            if time.monotonic() > deadline:
                raise Failed("the replica did not catch up")
            time.sleep(0.1)
        self.replica.psql("SELECT pg_wal_replay_pause()")
        try:
            page = call(self.port, "GET", f"/tilbud/{pk}/", cookies)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            csrf = {"csrfmiddlewaretoken": token.group(1)} if token else {}
            cookies.update(page.cookies)
            write = call(self.port, "POST", f"/tilbud/{pk}/bekraeft/", cookies, csrf)
            cookies.update(write.cookies)
            own = call(self.port, "GET", f"/api/hsds/services/{pk}", cookies)
            other = call(self.port, "GET", f"/api/hsds/services/{pk}")
        finally:
            self.replica.psql("SELECT pg_wal_replay_resume()")
        today = date.today().isoformat()
        own_date = json.loads(own.body).get("assured_date") if own.status == 200 else own.status
        other_date = json.loads(other.body).get("assured_date") if other.status == 200 else other.status
        self.check(
            "write then read by the same user sees the write (pinned to the primary)",
            write.status == 302 and "portal_primary_until" in write.cookies and own_date == today,
            f"confirm: {write.status}, own read: {own_date}, today {today}",
        )
        self.check(
            "a reader without the pin reads the (paused) replica",
            other_date == "2020-01-01",
            f"assured_date {other_date} while the replica's replay was paused",
        )

    def write_wrk_scripts(self, session: str) -> tuple[Path, Path]:
        def script(paths: list[str], cookie: str = "") -> str:
            listed = ", ".join(f'"{p}"' for p in paths)
            header = f'wrk.headers["Cookie"] = "{cookie}"\n' if cookie else ""
            return (
                f"local paths = {{{listed}}}\nlocal i = 0\n{header}"
                'wrk.headers["Host"] = "127.0.0.1"\n'
                "request = function()\n  i = i + 1\n"
                "  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n"
            )

        public, signed_in = self.folder / "public.lua", self.folder / "signed_in.lua"
        public.write_text(script(PUBLIC_PATHS))
        signed_in.write_text(script(SIGNED_IN_PATHS, f"sessionid={session}"))
        return public, signed_in

    def run_load(self) -> None:
        session = sign_in(self.port, CASEWORKER)["sessionid"]
        public, signed_in = self.write_wrk_scripts(session)
        url = f"http://127.0.0.1:{self.port}"
        runs = {}
        for name, script in (("wrk-public", public), ("wrk-signed-in", signed_in)):
            runs[name] = self.processes.start(
                name,
                [
                    "wrk",
                    "-t1",
                    "-c6",
                    f"-d{SECONDS}s",
                    "--timeout",
                    "10s",
                    "--latency",
                    "-s",
                    str(script),
                    url,
                ],
            )
        started = time.time()
        victim = list(self.nodes)[1]
        events: dict[str, float] = {}
        kill_at, replica_at = started + SECONDS / 3, started + 2 * SECONDS / 3
        while any(run.poll() is None for run in runs.values()):
            now = time.time()
            if "killed" not in events and now >= kill_at:
                log(f"killing {victim} (SIGKILL to its gunicorn master and workers)")
                self.processes.kill(victim)
                events["killed"] = time.time()
            if "killed" in events and "down" not in events:
                with contextlib.suppress(OSError):
                    if self.server_states().get(victim, "").startswith("DOWN"):
                        events["down"] = time.time()
                        log(f"HAProxy marked {victim} down {events['down'] - events['killed']:.2f} s later")
            if "replica stopped" not in events and now >= replica_at:
                log("stopping the replica")
                self.replica.stop()
                events["replica stopped"] = time.time()
            if now > started + SECONDS + 60:
                raise Failed("wrk did not stop")
            time.sleep(0.1)
        self.events = events
        total = failed = 0
        for name in runs:
            text = self.processes.log_path(name).read_text()
            requests = int(re.search(r"(\d+) requests in", text).group(1))
            errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
            non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
            errors += int(non_2xx.group(1)) if non_2xx else 0
            rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
            log(f"{name}: {requests} requests, {errors} failed, {rate.group(1) if rate else '?'} req/s")
            total += requests
            failed += errors
        share = failed / total if total else 1
        self.check(
            f"failed requests <= {MAX_FAILED_SHARE:.1%} under load with a node killed",
            total > 0 and share <= MAX_FAILED_SHARE,
            f"{failed} of {total} ({share:.3%}) in {SECONDS} s",
        )
        failures = self.haproxy_failures()
        down = events.get("down")
        after_down = [f for f in failures if down and f[0] > down]
        served_after = sum(
            1 for t, status in self.haproxy_requests() if down and t > down and 0 < status < 500
        )
        self.check(
            "HAProxy marked the killed node down",
            down is not None,
            f"{down - events['killed']:.2f} s after the kill" if down else "never",
        )
        self.check(
            "no failed request after the node was marked down",
            down is not None and not after_down and served_after > 0,
            f"{len(after_down)} failed and {served_after} served after it, {len(failures)} failed in all "
            "(HAProxy log)",
        )
        stopped = events.get("replica stopped")
        after_replica = [f for f in failures if stopped and f[0] >= stopped]
        later = Counter(call(self.port, "GET", path).status for path in PUBLIC_PATHS * 3)
        self.check(
            "stopping the replica mid-run causes no error (reads fall back to the primary)",
            stopped is not None and not after_replica and set(later) == {200},
            f"{len(after_replica)} failed after it stopped; directory and HSDS afterwards: {dict(later)}",
        )

    def haproxy_requests(self) -> list[tuple[float, int]]:
        """(time, status) of every request in HAProxy's log."""
        found = []
        for line in self.processes.log_path("haproxy").read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 4 and re.fullmatch(r"\d+\.\d+", parts[0]):
                found.append((float(parts[0]), int(parts[1])))
        return found

    def check_pooler(self) -> None:
        """The web nodes' and workers' transactions went through PgBouncer in transaction mode."""
        psql = self.primary.bindir() / "psql"

        def show(what: str) -> list[dict]:
            result = subprocess.run(
                [str(psql), self.pgbouncer_admin, "--csv", "-c", f"SHOW {what}"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            return list(csv.DictReader(io.StringIO(result.stdout)))

        stats = [row for row in show("STATS") if row.get("database") == "portal"]
        modes = {row.get("pool_mode") for row in show("POOLS") if row.get("database") == "portal"}
        transactions = int(stats[0]["total_xact_count"]) if stats else 0
        self.check(
            "web nodes and workers reach the primary through PgBouncer in transaction mode",
            transactions > 0 and modes == {"transaction"},
            f"{transactions} transactions through PgBouncer, pool mode {', '.join(sorted(map(str, modes)))}",
        )

    def haproxy_failures(self) -> list[tuple[float, str]]:
        """(time, line) of every request HAProxy answered with an error or that a server cut off;
        not those the client (wrk stopping) closed itself."""
        failures = []
        for line in self.processes.log_path("haproxy").read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) < 4 or not re.fullmatch(r"\d+\.\d+", parts[0]):
                continue
            status, flags = int(parts[1]), parts[3]
            if (status >= 500 or status < 0) and not flags.startswith("C"):
                failures.append((float(parts[0]), line))
        return failures

    def check_emails(self) -> None:
        sql_queued = "SELECT count(*) FROM core_notification WHERE email_status = 'queued'"
        deadline = time.monotonic() + 60
        while int(self.primary.psql(sql_queued, "portal")) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2 * SCAN_EVERY_SECONDS + 1)  # a few more ticks of both beats: nothing new is sent
        sent = Counter(
            self.primary.psql(
                "SELECT u.email FROM core_notification n JOIN core_user u ON u.id = n.recipient_id "
                "WHERE n.email_status = 'sent'",
                "portal",
            ).split()
        )
        with self.mails_lock:
            mailed = Counter(rcpt for rcpts, _subject in self.mails for rcpt in rcpts)
        queued = int(self.primary.psql(sql_queued, "portal"))
        scans = sum(
            len(
                re.findall(
                    r"run_reminder_scans\[[^\]]+\] received",
                    self.processes.log_path(f"worker{i}").read_text(),
                )
            )
            for i in (1, 2)
        )
        beats = [self.processes.log_path(f"beat{i}").read_text().count("Sending due task") for i in (1, 2)]
        self.check(
            "each reminder is e-mailed exactly once with two workers and two beats",
            sum(sent.values()) > 0 and mailed == sent and not queued and min(beats) > 0,
            f"{sum(sent.values())} reminders sent, {sum(mailed.values())} e-mails received, "
            f"{queued} still queued; {scans} scans run, "
            f"beats sent {beats[0]} and {beats[1]} tasks",
        )

    # --- the whole -----------------------------------------------------------------------------------
    def run(self) -> int:
        began = time.monotonic()
        try:
            self.setup()
            self.check_sessions()
            self.check_replica_reads()
            self.check_pinning()
            log("two Celery workers and two beats")
            self.start_background()
            log(f"mixed load through HAProxy for {SECONDS} s")
            self.run_load()
            self.check_emails()
            self.check_pooler()
        except (Failed, ServiceError, subprocess.TimeoutExpired) as exc:
            self.check("the run itself", False, str(exc))
        except Interrupted:
            self.check("the run itself", False, "interrupted")
        except Exception as exc:  # noqa: BLE001 - reported as a failed check, then everything stops
            self.check("the run itself", False, f"{exc.__class__.__name__}: {exc}")
            traceback.print_exc()
        finally:
            failed = [r for r in self.results if not r[1]]
            if failed:
                for name in sorted(self.processes.running):
                    if name.startswith(("web", "worker", "beat", "pgbouncer", "haproxy")):
                        tail = self.processes.tail(name, 4)
                        if tail:
                            print(f"--- {name} (last lines)\n{tail}")
            log("stopping everything")
            self.cleanup()
        print("\nScale test summary")
        for name, ok, detail in self.results:
            print(f"  {'PASS' if ok else 'FAIL'}  {name}" + (f"\n        {detail}" if detail else ""))
        ok = bool(self.results) and all(r[1] for r in self.results)
        print(
            f"{'PASS' if ok else 'FAIL'}: {sum(r[1] for r in self.results)}/{len(self.results)} checks "
            f"in {time.monotonic() - began:.0f} s"
        )
        return 0 if ok else 1

    def cleanup(self) -> None:
        signal.alarm(0)
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C does not cut the cleanup short
            signal.signal(signum, signal.SIG_IGN)
        with contextlib.suppress(Exception):
            self.processes.stop_all()
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.stop()
        for server in (self.redis, self.replica, self.primary):
            with contextlib.suppress(Exception):
                server.stop()
        # Anything of the clusters still alive (a stop that timed out) goes too.
        for pg in (self.replica, self.primary):
            pid = pg.pid()
            if pid and pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    def interrupt(signum, frame):
        raise Interrupted

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(SECONDS + 600)  # bounded, whatever hangs
    return ScaleTest().run()


if __name__ == "__main__":
    sys.exit(main())
