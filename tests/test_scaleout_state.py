"""Stateless web nodes: what requests share lives in PostgreSQL or Redis, never in one process.

The cache (and the CPR-check rate limit counted in it) is Redis, seen alike by another process;
with Redis down it answers from memory at once; failed sign-ins are counted in the database;
uploaded files go to S3-compatible storage by configuration.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache

from borgerforloeb.services.citizens import _cpr_checks_this_hour
from core.cache import ResilientRedisCache
from tests.services import RedisServer

ROOT = Path(__file__).resolve().parent.parent
OTHER_NODE = """
import json, os, sys, types
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from borgerforloeb.services.citizens import _cpr_checks_this_hour
print(json.dumps(_cpr_checks_this_hour(types.SimpleNamespace(pk=int(sys.argv[1])))))
"""


def other_node(*args, **env) -> subprocess.CompletedProcess:
    environ = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-c", OTHER_NODE, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def backend(location: str, **options) -> ResilientRedisCache:
    return ResilientRedisCache(
        location,
        {
            "KEY_PREFIX": "test-cache",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
        },
    )


def test_the_cpr_check_limit_is_counted_once_for_all_web_nodes():
    cache.clear()
    actor = type("Actor", (), {"pk": 987654})()
    assert _cpr_checks_this_hour(actor) == 1
    assert _cpr_checks_this_hour(actor) == 2
    # Another process (another web node) counts on from the same number.
    shared = django_settings.CACHES["default"]
    result = other_node(
        str(actor.pk), CACHE_REDIS_URL=shared["LOCATION"], CACHE_KEY_PREFIX=shared["KEY_PREFIX"]
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 3
    assert _cpr_checks_this_hour(actor) == 4
    cache.clear()


def test_cache_answers_from_memory_at_once_while_redis_is_down_and_returns_to_redis():
    server = RedisServer()
    server.start()
    try:
        shared = backend(server.url, RETRY_AFTER=0.5)
        shared.set("greeting", "hej")
        assert redis.Redis.from_url(server.url).keys("test-cache:*")  # really in Redis
        server.stop()

        started = time.monotonic()
        assert shared.get("greeting") is None  # Redis is gone: a miss, never an error
        shared.set("counter", 0)
        for _ in range(200):
            shared.incr("counter")
        assert shared.get("counter") == 200
        assert not shared.redis_up
        assert time.monotonic() - started < 3  # one time-out per period, not one per call

        server.start()
        time.sleep(0.6)
        shared.set("greeting", "igen")
        assert shared.redis_up
        assert redis.Redis.from_url(server.url).get(shared.make_key("greeting")) is not None
    finally:
        server.stop()


def test_clear_leaves_the_brokers_keys_alone():
    server = RedisServer()
    server.start()
    try:
        client = redis.Redis.from_url(server.url)
        client.lpush("celery", "a queued task")
        shared = backend(server.url)
        shared.set_many({f"k{i}": i for i in range(1200)})
        shared.clear()
        assert client.keys("test-cache:*") == []
        assert client.llen("celery") == 1
    finally:
        server.stop()


def test_cache_without_a_prefix_is_refused():
    with pytest.raises(ValueError, match="KEY_PREFIX"):
        ResilientRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": ""})


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_in_the_database(client, make_user):
    from axes.models import AccessAttempt

    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    user = make_user(password="Rigtigt-kodeord-2026")
    client.post("/konto/login/", {"username": user.email, "password": "forkert"})
    assert AccessAttempt.objects.filter(username=user.email, failures_since_start=1).exists()


def test_uploaded_files_go_to_s3_compatible_storage_by_configuration():
    code = (
        "import django, json; django.setup(); from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, s.bucket_name, s.endpoint_url,"
        " s.querystring_auth, s.default_acl]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FILE_STORAGE": "s3",
        "S3_BUCKET": "portal-uploads",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == [
        "storages.backends.s3.S3Storage",
        "portal-uploads",
        "http://127.0.0.1:9000",
        True,
        "private",
    ]
    env["FILE_STORAGE"] = "ftp"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "FILE_STORAGE must be 'local' or 's3'" in result.stderr


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_redis_not_the_database(client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert django_settings.SESSION_ENGINE == "core.sessions"
    client.force_login(make_user())
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_a_session_signed_out_while_redis_is_down_does_not_return_with_redis():
    from core.sessions import SessionStore

    def store(shared, key=None):
        session = SessionStore(key)
        session._cache = shared
        return session

    server = RedisServer()
    server.start()
    try:
        shared = backend(server.url, RETRY_AFTER=1.0)
        signed_in = store(shared)
        signed_in["_auth_user_id"] = "42"
        signed_in.create()
        key = signed_in.session_key
        assert store(shared, key).load() == {"_auth_user_id": "42"}  # from Redis
        redis.Redis.from_url(server.url).client_pause(1200)  # Redis stops answering, keeps its data

        assert store(shared, key).load() == {"_auth_user_id": "42"}  # Redis down: the database
        assert not shared.redis_up
        store(shared, key).delete()  # signed out on this node during the outage
        assert store(shared, key).load() == {}

        time.sleep(1.6)  # Redis answers again, with the session it held before the outage
        assert store(shared, key).load() == {}  # still signed out
        assert shared.redis_up
    finally:
        server.stop()
