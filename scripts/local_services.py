"""The project's own PostgreSQL cluster and Redis server, for trying the portal and for development.

    python scripts/local_services.py start [--auto]   start them (initdb the first time); prints the
                                                      `export DATABASE_URL=... REDIS_URL=...` lines
    python scripts/local_services.py stop             stop both; no process is left behind
    python scripts/local_services.py status           what runs where (exit status 3 when not both)
    python scripts/local_services.py env              the export lines of the running services

Everything lives in one folder, `.local/` in the project unless PORTAL_LOCAL_DIR names another:
`postgres/data` is the cluster (it survives stop and start; `make clean-local` removes the folder),
`redis/` holds only the Redis pid and log files (Redis keeps nothing on disk). Both listen on
free ports on 127.0.0.1 only. The cluster's unix socket is in `postgres/run`, a folder only the
cluster's owner may enter, and is trusted for that user alone; over loopback it asks for the
password in `postgres/password` (readable by its owner only), which is part of DATABASE_URL.
initdb and postgres refuse to run as root, so when root the cluster belongs to the `postgres`
system user (created by Debian's postgresql package).

`start --auto` (what `make run` uses) starts PostgreSQL only when DATABASE_URL is not set and
either this cluster already exists or nothing answers on 127.0.0.1:5432, and Redis only when
REDIS_URL is not set and nothing answers on 127.0.0.1:6379; EMBEDDED=1 starts both, EMBEDDED=0
neither. Missing server programs are installed by scripts/ensure-tools.sh (root with apt) or named.

The classes (LocalPostgres, LocalRedis) start private servers in any folder, e.g. for tests.
Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "portal"
SUPERUSER = "postgres"
EXTENSIONS = ["pg_trgm"]  # what the migrations create (tilbud: TrigramExtension)


class ServiceError(Exception):
    """A service could not be started or stopped; the message is one line for a person."""


def local_dir() -> Path:
    return Path(os.environ.get("PORTAL_LOCAL_DIR") or ROOT / ".local").resolve()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(port):
            return True
        time.sleep(0.05)
    return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) no longer runs.
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


def ensure_tools(*tools: str) -> None:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "ensure-tools.sh"), *tools], check=False)
    if result.returncode != 0:
        raise ServiceError(f"missing {' and '.join(tools)}")


class LocalPostgres:
    """A PostgreSQL cluster in `folder/data`, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path, database: str = DATABASE):
        self.folder = Path(folder).resolve()
        self.data = self.folder / "data"
        self.password_file = self.folder / "password"
        self.port_file = self.folder / "port"
        self.log = self.folder / "postgres.log"
        self.database = database

    # --- who runs it, and with which programs -------------------------------------------------
    @property
    def owner(self) -> pwd.struct_passwd:
        """The system user the cluster runs as: ourselves, or `postgres` when we are root."""
        if os.geteuid() != 0:
            return pwd.getpwuid(os.geteuid())
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise ServiceError(
                "PostgreSQL does not run as root and there is no 'postgres' system user: "
                "install Debian's postgresql package or run as a normal user"
            ) from None

    def bindir(self) -> Path:
        """The programs of the cluster's major version (Debian keeps them in /usr/lib/postgresql)."""
        wanted = (
            (self.data / "PG_VERSION").read_text().strip() if (self.data / "PG_VERSION").exists() else None
        )
        candidates = sorted(
            (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
            key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
            reverse=True,
        )
        if on_path := shutil.which("initdb"):
            candidates.append(Path(on_path).resolve().parent)
        if os.environ.get("PG_BINDIR"):
            candidates.insert(0, Path(os.environ["PG_BINDIR"]))
        for candidate in candidates:
            if not (candidate / "pg_ctl").exists():
                continue
            if wanted is None or self._version(candidate) == wanted:
                return candidate
        if wanted:
            raise ServiceError(
                f"the cluster in {self.data} needs PostgreSQL {wanted}: install postgresql-{wanted}"
            )
        raise ServiceError("PostgreSQL's programs are missing: install Debian's postgresql")

    @staticmethod
    def _version(bindir: Path) -> str:
        out = subprocess.run(
            [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=True
        )
        return re.search(r"\(PostgreSQL\)\s+(\d+)", out.stdout).group(1)

    def _run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run a program as the cluster's owner, in the cluster's folder."""
        owner = self.owner
        if os.geteuid() == 0 and owner.pw_uid != 0:
            kwargs.update(user=owner.pw_uid, group=owner.pw_gid, extra_groups=[])
        env = {**os.environ, "HOME": owner.pw_dir, "LC_ALL": "C.UTF-8"}
        env.pop("PGDATA", None)
        return subprocess.run(
            args, cwd=self.folder, env=env, capture_output=True, text=True, check=False, **kwargs
        )

    # --- state -------------------------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    @property
    def socket_dir(self) -> Path:
        return self.folder / "run"

    def running_port(self) -> int | None:
        """The port of the running postmaster, or None when it is not running."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if pid_alive(pid) else None

    def pid(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if pid_alive(pid) else None

    def url(self, database: str | None = None) -> str:
        port = self.running_port()
        if port is None:
            raise ServiceError(f"the PostgreSQL cluster in {self.data} is not running")
        password = self.password_file.read_text().strip()
        return f"postgres://{SUPERUSER}:{password}@127.0.0.1:{port}/{database or self.database}"

    # --- life cycle ----------------------------------------------------------------------------
    def init(self) -> None:
        if self.exists:
            return
        owner = self.owner
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        if not self.password_file.exists():
            self.password_file.touch(mode=0o600)
            self.password_file.write_text(secrets.token_hex(24) + "\n")
        for path in (self.folder, self.socket_dir, self.password_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        self.folder.chmod(0o700)
        self.socket_dir.chmod(0o700)
        if self._run(["/bin/sh", "-c", 'cd "$1"', "sh", str(self.folder)]).returncode != 0:
            raise ServiceError(
                f"the '{owner.pw_name}' user, which runs PostgreSQL, cannot enter {self.folder}: "
                "put the project (or PORTAL_LOCAL_DIR) in a folder it can reach"
            )
        bindir = self.bindir()
        print(f"Creating the project's own PostgreSQL cluster in {self.data}...", file=sys.stderr)
        result = self._run(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(self.data),
                "--username",
                SUPERUSER,
                "--pwfile",
                str(self.password_file),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        if result.returncode != 0:
            shutil.rmtree(self.data, ignore_errors=True)
            raise ServiceError(f"initdb failed: {(result.stderr or result.stdout).strip().splitlines()[-1]}")
        # Trust only the unix socket, whose folder only the owner may enter; loopback needs the
        # password; nothing else may connect.
        (self.data / "pg_hba.conf").write_text(
            "# The project's own cluster (scripts/local_services.py).\n"
            f"local all {SUPERUSER} trust\n"
            f"host all {SUPERUSER} 127.0.0.1/32 scram-sha-256\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# scripts/local_services.py\n"
                "listen_addresses = '127.0.0.1'\n"
                "unix_socket_permissions = 0700\n"
                "max_connections = 100\n"
            )
        os.chown(self.data / "pg_hba.conf", owner.pw_uid, owner.pw_gid)

    def start(self, port: int | None = None) -> str:
        """Start the cluster (creating it the first time) and the database; returns DATABASE_URL."""
        self.init()
        if self.running_port() is None:
            if port is None:
                previous = int(self.port_file.read_text()) if self.port_file.exists() else 0
                port = previous if previous and port_is_free(previous) else free_port()
            socket_dir = self.socket_dir
            if len(str(socket_dir)) > 90:  # unix socket paths are limited to 107 bytes
                socket_dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
                os.chown(socket_dir, self.owner.pw_uid, self.owner.pw_gid)
            options = f"-p {port} -k {shlex.quote(str(socket_dir))}"
            result = self._run(
                [str(self.bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60"]
                + ["-o", options, "start"]
            )
            if result.returncode != 0:
                tail = self.log.read_text().strip().splitlines()[-3:] if self.log.exists() else []
                raise ServiceError(f"PostgreSQL did not start: {' / '.join(tail) or result.stderr.strip()}")
            self.port_file.write_text(f"{port}\n")
        self.create_database()
        return self.url()

    def psql(self, sql: str, database: str = "postgres") -> str:
        port = self.running_port()
        socket_dir = (self.data / "postmaster.pid").read_text().splitlines()[4]
        result = subprocess.run(
            [str(self.bindir() / "psql"), "-h", socket_dir, "-p", str(port), "-U", SUPERUSER, "-d", database]
            + ["-v", "ON_ERROR_STOP=1", "-tAqc", sql],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServiceError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def create_database(self, database: str | None = None) -> None:
        """Create the database if missing, with the extensions the portal needs (new databases made
        from template1, e.g. the test database, get them too)."""
        database = database or self.database
        if not re.fullmatch(r"[A-Za-z0-9_]+", database):
            raise ServiceError(f"not a plain database name: {database!r}")
        for name in EXTENSIONS:
            self.psql(f"CREATE EXTENSION IF NOT EXISTS {name}", "template1")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):  # noqa: S608 (checked above)
            self.psql(f'CREATE DATABASE "{database}"')
        for name in EXTENSIONS:
            self.psql(f"CREATE EXTENSION IF NOT EXISTS {name}", database)

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        result = self._run(
            [str(self.bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"]
        )
        if result.returncode != 0 and self.pid() is not None:
            raise ServiceError(f"PostgreSQL did not stop: {result.stderr.strip()}")
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


class LocalRedis:
    """A redis-server on a free port of 127.0.0.1 that keeps nothing on disk."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()
        self.pid_file = self.folder / "redis.pid"
        self.port_file = self.folder / "port"
        self.log = self.folder / "redis.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if not pid_alive(pid):
            return None
        with contextlib.suppress(OSError):
            if b"redis" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return None  # the pid file is stale and the number was reused
        return pid

    def running_port(self) -> int | None:
        if self.pid() is None or not self.port_file.exists():
            return None
        return int(self.port_file.read_text())

    def url(self, db: int = 0) -> str:
        port = self.running_port()
        if port is None:
            raise ServiceError(f"the Redis server of {self.folder} is not running")
        return f"redis://127.0.0.1:{port}/{db}"

    def start(self, port: int | None = None) -> str:
        if self.running_port() is not None:
            return self.url()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.access(binary, os.X_OK):
            raise ServiceError("redis-server is missing: install Debian's redis-server")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        port = port or free_port()
        self.port_file.write_text(f"{port}\n")
        # --dir is where Redis would write; with no snapshots and no append-only file it writes nothing.
        result = subprocess.run(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder), "--daemonize", "yes", "--pidfile", str(self.pid_file)]
            + ["--logfile", str(self.log)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not wait_for_port(port, 15):
            tail = self.log.read_text().strip().splitlines()[-2:] if self.log.exists() else []
            raise ServiceError(f"redis-server did not start: {' / '.join(tail) or result.stderr.strip()}")
        deadline = time.monotonic() + 5  # the pid file is written right after the port opens
        while self.pid() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.url()

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while pid_alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 5
            time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)


class LocalServices:
    """Both servers of one folder (the project's `.local/` by default)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or local_dir()).resolve()
        self.postgres = LocalPostgres(self.folder / "postgres")
        self.redis = LocalRedis(self.folder / "redis")

    def wanted(self, environ=None) -> list[str]:
        """Which servers `start --auto` starts (see the module's description)."""
        environ = os.environ if environ is None else environ
        embedded = environ.get("EMBEDDED", "").strip().lower()
        if embedded in {"1", "true", "yes", "on"}:
            return ["postgres", "redis"]
        if embedded in {"0", "false", "no", "off"}:
            return []
        wanted = []
        if not environ.get("DATABASE_URL") and (self.postgres.exists or not answers(5432)):
            wanted.append("postgres")
        if not environ.get("REDIS_URL") and not answers(6379):
            wanted.append("redis")
        return wanted

    def start(self, which: list[str] | None = None) -> dict[str, str]:
        """Start the given servers (both by default); returns their environment variables."""
        which = ["postgres", "redis"] if which is None else which
        tools = {"postgres": "postgresql", "redis": "redis-server"}
        if which:
            ensure_tools(*(tools[name] for name in which))
        env = {}
        try:
            if "postgres" in which:
                env["DATABASE_URL"] = self.postgres.start()
            if "redis" in which:
                env["REDIS_URL"] = self.redis.start()
        except BaseException:
            self.stop()
            raise
        return env

    def stop(self) -> None:
        errors = []
        for server in (self.redis, self.postgres):
            try:
                server.stop()
            except ServiceError as exc:
                errors.append(str(exc))
        if errors:
            raise ServiceError("; ".join(errors))

    def env(self) -> dict[str, str]:
        env = {}
        if self.postgres.running_port() is not None:
            env["DATABASE_URL"] = self.postgres.url()
        if self.redis.running_port() is not None:
            env["REDIS_URL"] = self.redis.url()
        return env


def exports(env: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status", "env"])
    parser.add_argument("--auto", action="store_true", help="start only what make run needs (see above)")
    args = parser.parse_args(argv)
    services = LocalServices()
    try:
        if args.command == "start":
            env = services.start(services.wanted() if args.auto else None)
            for name, value in env.items():
                where = value.rsplit("@", 1)[-1].split("//")[-1]
                kind = "PostgreSQL" if name == "DATABASE_URL" else "Redis"
                print(f"Using the project's own {kind} at {where}", file=sys.stderr)
            sys.stdout.write(exports(env))
        elif args.command == "stop":
            services.stop()
        elif args.command == "env":
            sys.stdout.write(exports(services.env()))
        else:
            pg_port, redis_port = services.postgres.running_port(), services.redis.running_port()
            for name, port in (("postgres", pg_port), ("redis", redis_port)):
                print(f"{name}: {f'running on 127.0.0.1:{port}' if port else 'stopped'}")
            print(f"data: {services.postgres.data}")
            return 0 if pg_port and redis_port else 3
    except ServiceError as exc:
        print(f"local_services: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
