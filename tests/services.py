"""Real services the tests start and stop themselves: a private Redis server and a Celery worker."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def system_tool(name: str, package: str | None = None) -> str:
    """The path of a system program a test needs (a name on PATH or an absolute path).

    A missing program fails the test, naming the Debian package: `make test` installs these
    (scripts/ensure-tools.sh), so a missing one is a broken setup, never a reason to skip.
    """
    path = (name if os.access(name, os.X_OK) else None) if "/" in name else shutil.which(name)
    if path is None:
        import pytest

        pytest.fail(
            f"{name} is not installed: install Debian's {package or name} "
            f"(scripts/ensure-tools.sh {package or name} does it as root)",
            pytrace=False,
        )
    return path


class RedisServer:
    """A redis-server on a port of its own, which a test may stop and start at will."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="portal-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = system_tool("redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def drop_closed_broker_pools(app) -> None:
    """Forget the Celery app's broker pools if something in this process closed them.

    Kombu keeps one pool per broker URL for the whole process and the app's producer pool holds on
    to it: once closed, every later ping or publish fails with "Acquire on closed pool". Only pools
    that exist are looked at, so none is created here with the wrong broker.
    """
    producers = app.amqp._producer_pool
    if (app._pool is not None and app._pool._closed) or (
        producers is not None and (producers._closed or producers.connections._closed)
    ):
        reset_broker_pools(app)


def reset_broker_pools(app) -> None:
    """Close the process's broker pools and forget them: the next use opens new ones.

    Not app.close(): that would also take the app off Celery's list of live apps, and a shared task
    imported after that (core.tasks, say) would never be registered with it.
    """
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class CeleryWorker:
    """`celery -A config worker` in a subprocess, against the test database and a given broker."""

    app_module = "config"

    def __init__(
        self,
        *,
        database_name: str,
        broker_url: str,
        concurrency: int = 1,
        pool: str = "solo",
        extra_env: dict | None = None,
    ):
        self.database_name = database_name
        self.broker_url = broker_url
        self.concurrency = concurrency
        self.pool = pool
        self.extra_env = extra_env or {}
        self.hostname = f"test-{os.getpid()}-{free_port()}@localhost"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="portal-worker-", suffix=".log", delete=False)

    def environment(self) -> dict:
        from django.conf import settings

        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{self.database_name}",
            REDIS_URL=self.broker_url,
            DJANGO_SETTINGS_MODULE="config.settings",
            EMAIL_BACKEND=env.get("WORKER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 30.0) -> None:
        celery = str(Path(sys.executable).with_name("celery"))
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                self.app_module,
                "worker",
                "--loglevel=INFO",
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "--hostname",
                self.hostname,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()  # a worker nobody waits for would go on taking later tests' tasks
            raise

    def wait_ready(self, timeout: float) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {Path(self.log.name).read_text()[-2000:]}")
            drop_closed_broker_pools(app)
            with app.connection_for_write(self.broker_url) as conn:
                if app.control.ping(destination=[self.hostname], timeout=0.5, connection=conn):
                    return
        raise TimeoutError(f"celery worker did not answer: {Path(self.log.name).read_text()[-2000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
