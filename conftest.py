"""Shared pytest fixtures: alice/bob/charlie-style users for each role, and helpers."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from core.roles import Role


def pytest_configure(config):
    """Under ``pytest -n`` each worker keeps its cache keys (rate limits, sessions) to itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] += f"-{worker}"


def pytest_collection_modifyitems(items):
    """Mark the tests that run in real transactions ("transactional"): the test database is emptied
    after each of them, so ``make test`` runs them after all the others (scripts/test.sh)."""
    from pytest_django.fixtures import validate_django_db

    for item in items:
        marker = item.get_closest_marker("django_db")
        transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
        names = getattr(item, "fixturenames", ())
        if transaction or reset_sequences or "transactional_db" in names or "live_server" in names:
            item.add_marker("transactional")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fresh_directory_answers():
    """Each test rolls its database back, not the cache: it starts with a new directory version, so
    no cached directory answer (tilbud/answers.py) of another test's offers is found."""
    from django.core.cache import cache

    from tilbud.answers import VERSION_KEY

    cache.delete(VERSION_KEY)


@pytest.fixture(autouse=True)
def _second_factor_passed_on_force_login(request, monkeypatch):
    """``client.force_login(user)`` stands for a completed sign-in: for a user who must use two
    factors (core/two_factor.py) that includes the second one, as if they had entered a code from
    their app. Tests of the two-factor flow itself sign in through the login form, or mark
    themselves ``@pytest.mark.password_only`` to get the plain force_login.
    """
    if "password_only" in request.keywords:
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from core import two_factor

        session = self.session
        if session.get(two_factor.SESSION_KEY) or user.is_staff or user.is_superuser:
            device = two_factor.app_device(user) or TOTPDevice.objects.create(user=user, name="test")
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.pop(two_factor.SESSION_KEY, None)
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def eager_celery():
    """Enqueued background work runs in the test's process right after commit instead of going to
    the broker (``core.queue`` under ``task_always_eager``): run the action inside
    ``django_capture_on_commit_callbacks(execute=True)`` to see the task's effect."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    counter = {"n": 0}

    def make(*, role: Role | None = None, organisation=None, email=None, password="Testkodeord-123", **extra):
        counter["n"] += 1
        email = email or f"user{counter['n']}-{role.value if role else 'none'}@example.test"
        extra.setdefault("full_name", f"Test Bruger {counter['n']}")
        user = User.objects.create_user(email=email, password=password, **extra)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        if organisation is not None:
            from samarbejde.models import Membership

            Membership.objects.create(user=user, organisation=organisation)
        return user

    return make


@pytest.fixture
def municipality(db):
    from samarbejde.models import Municipality

    return Municipality.objects.create(name="Aarhus", slug="aarhus", code="751")


@pytest.fixture
def other_municipality(db):
    from samarbejde.models import Municipality

    return Municipality.objects.create(name="Odense", slug="odense", code="461")


@pytest.fixture
def organisation(municipality):
    from samarbejde.models import Organisation

    return Organisation.objects.create(
        name="Aarhus Kommune, Socialforvaltningen",
        municipality=municipality,
        kind=Organisation.Kind.MUNICIPAL,
    )


@pytest.fixture
def world_options():
    """What a module changes in the shared world (see ``tests.world.build_world``): override it."""
    return {}


@pytest.fixture
def world(settings, municipality, other_municipality, organisation, make_user, world_options):
    """The shared people, organisations and consented case of ``tests/world.py``."""
    from tests.world import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(
        municipality=municipality,
        other_municipality=other_municipality,
        organisation=organisation,
        make_user=make_user,
        **world_options,
    )


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on the real Redis, reading the test database.

    Tests that need the worker to see their rows must use ``transactional_db``.
    """
    from django.conf import settings

    from tests.services import CeleryWorker

    worker = CeleryWorker(
        database_name=settings.DATABASES["default"]["NAME"], broker_url=settings.CELERY_BROKER_URL
    )
    worker.start()
    yield worker
    worker.stop()
