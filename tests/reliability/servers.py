"""Real processes for the reliability tests: gunicorn serving the test database, a probe worker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.services import ROOT, CeleryWorker, free_port, wait_for_port

VENV_BIN = Path(sys.executable).parent


def database_url_for_tests() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WebServer:
    """gunicorn on 127.0.0.1:<free port>, reading the test database, with a Redis URL of our choice."""

    def __init__(self, *, redis_url: str, workers: int = 2, threads: int = 4, extra_env: dict | None = None):
        self.port = free_port()
        self.redis_url = redis_url
        self.workers = workers
        self.threads = threads
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="portal-gunicorn-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def environment(self) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url_for_tests(),
            REDIS_URL=self.redis_url,
            DEBUG="1",
            SECURE_SSL_REDIRECT="0",
            LOG_LEVEL="WARNING",
            **self.extra_env,
        )
        return env

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, timeout)
            self.wait_live(timeout)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"gunicorn did not start: {self.log_text()[-3000:]}") from None

    def wait_live(self, timeout: float) -> None:
        """Until the workers have loaded the portal and answer /healthz/live (slow on a busy machine)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/healthz/live"), timeout=max(1.0, deadline - time.monotonic())).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise TimeoutError

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def worker_rss_kb(self) -> dict[int, int]:
        """Resident memory of each gunicorn worker, in kB, from /proc."""
        sizes = {}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes[pid] = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
        return sizes

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


def login(session: requests.Session, server: WebServer, email: str, password: str) -> requests.Response:
    """Sign in through the real login form (CSRF token included), like a browser."""
    page = session.get(server.url("/konto/login/"), timeout=10)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        server.url("/konto/login/"),
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )


class ProbeWorker(CeleryWorker):
    """A real Celery worker that also knows the probe task (tests/reliability/probe_tasks.py)."""

    app_module = "tests.reliability.probe_tasks"

    def wait_ready(self, timeout: float) -> None:
        # Read the worker's own log: a control ping would go through the app's default broker.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {Path(self.log.name).read_text()[-2000:]}")
            if f"{self.hostname} ready." in Path(self.log.name).read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"celery worker not ready: {Path(self.log.name).read_text()[-2000:]}")


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
