"""Settings come from the environment; bad values stop start-up with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_redis_url

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "k" * 20 + "-production-like-secret-key-for-tests-0123456789"


def run_manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_parses_common_spellings(raw, expected):
    assert env_bool("DEBUG", True, environ={"DEBUG": raw}) is expected


def test_env_bool_default_when_unset():
    assert env_bool("DEBUG", True, environ={}) is True


def test_env_bool_rejects_garbage_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="^DEBUG must be a boolean"):
        env_bool("DEBUG", True, environ={"DEBUG": "maybe"})


def test_env_int_rejects_text():
    with pytest.raises(ImproperlyConfigured, match="^EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "587"}) == 587


def test_env_list_splits_and_trims():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": " a.dk, b.dk ,,"}) == ["a.dk", "b.dk"]


def test_database_url_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured, match="^DATABASE_URL must be a PostgreSQL URL"):
        env_database("DATABASE_URL", "x", environ={"DATABASE_URL": "sqlite:///db.sqlite3"})
    config = env_database("DATABASE_URL", "x", environ={"DATABASE_URL": "postgres://u:p@db:5433/portal"})
    assert (config["HOST"], config["PORT"], config["NAME"], config["CONN_HEALTH_CHECKS"]) == (
        "db",
        5433,
        "portal",
        True,
    )


def test_redis_url_must_be_redis():
    with pytest.raises(ImproperlyConfigured, match="^REDIS_URL must be a Redis URL"):
        env_redis_url("REDIS_URL", "x", environ={"REDIS_URL": "http://localhost"})


def test_missing_secret_key_without_debug_stops_with_one_clear_line():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="portal.example.dk")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Configuration error: SECRET_KEY must be set to a long random value when DEBUG is off."]


def test_invalid_debug_value_names_the_variable():
    result = run_manage("check", DEBUG="kanske")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_with_production_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="portal.example.dk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_defaults(settings):
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.LANGUAGE_CODE == "da"
    # PostgreSQL, through django-prometheus' wrapper that counts queries for /metrics.
    assert settings.DATABASES["default"]["ENGINE"] == "django_prometheus.db.backends.postgresql"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert [code for code, _ in settings.LANGUAGES] == ["da", "en", "kl"]


@pytest.mark.django_db
def test_database_connections_run_without_jit():
    """Web queries are short: JIT compilation would cost more than it saves."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_csrf_cookie_is_http_only_and_no_script_reads_it(settings):
    assert settings.CSRF_COOKIE_HTTPONLY is True
    for script in (ROOT / "static" / "js").glob("*.js"):
        assert "csrftoken" not in script.read_text().lower(), script.name
        assert "document.cookie" not in script.read_text(), script.name


def test_smtp_uses_tls_unless_turned_off():
    code = "from django.conf import settings; print(settings.EMAIL_USE_TLS)"
    result = run_manage("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
    result = run_manage("shell", "-c", code, EMAIL_USE_TLS="0")
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_trusted_proxies_must_be_addresses():
    result = run_manage("check", TRUSTED_PROXIES="10.0.0.1,proxy.local")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must list IP addresses or networks" in result.stderr


def test_citizen_assurance_levels_default_to_mitid_substantial_and_high(settings):
    assert settings.CITIZEN_OIDC_ACR_VALUES == [
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "https://data.gov.dk/concept/core/nsis/loa/High",
    ]
