"""Login hardening: security headers and CSP without inline script, CSRF on every form post,
password rules, session expiry, cookies; lockout is in test_auth.py."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.roles import Role


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/konto/login/", "/tilbud/"])
def test_security_headers_and_csp_without_inline_script(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_login_form_post_without_csrf_token_is_refused(make_user):
    make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/konto/login/", {"username": "sofie@aarhus.example.dk", "password": "Testkodeord-123"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_case_form_post_without_csrf_token_is_refused(make_user, organisation):
    user = make_user(role=Role.CASEWORKER, organisation=organisation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("borgerforloeb:citizen_create"), {"full_name": "X"})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["kort1", "1234567890", "password123", "sofie.sagsbehandler"])
def test_weak_passwords_are_refused(make_user, password):
    user = make_user(email="sofie.sagsbehandler@aarhus.example.dk", full_name="Sofie Sagsbehandler")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_session_and_cookie_settings(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert "core.middleware.SlidingSessionMiddleware" in settings.MIDDLEWARE  # idle timeout, not absolute
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.AXES_FAILURE_LIMIT <= 10
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    response = client.post(
        "/konto/login/", {"username": "sofie@aarhus.example.dk", "password": "Testkodeord-123"}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"


@pytest.mark.django_db
def test_activity_pushes_the_session_expiry_ahead_at_most_once_a_minute(
    client, make_user, organisation, settings
):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client.force_login(make_user(role=Role.CASEWORKER, organisation=organisation))
    assert client.get(reverse("borgerforloeb:my_cases")).status_code == 200
    # Within the refresh interval a page view writes nothing to the session table.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("borgerforloeb:my_cases")).status_code == 200
    assert not [q for q in ctx.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    # Once the interval has passed, activity moves the expiry a full SESSION_COOKIE_AGE ahead.
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=soon)
    settings.SESSION_REFRESH_SECONDS = 0
    assert client.get(reverse("borgerforloeb:my_cases")).status_code == 200
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.django_db
def test_expired_session_sends_to_login(client, make_user, organisation, settings):
    from datetime import timedelta

    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.utils import timezone

    client.force_login(make_user(role=Role.CASEWORKER, organisation=organisation))
    assert client.get(reverse("borgerforloeb:my_cases")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    # Redis's copy of the session lives exactly as long (its time-to-live is set from the same age
    # whenever the session is saved): let it expire too.
    key = cache.make_key(KEY_PREFIX + client.session.session_key)
    assert cache._cache.get_client(key).ttl(key) > settings.SESSION_COOKIE_AGE - 60
    cache.delete(KEY_PREFIX + client.session.session_key)
    response = client.get(reverse("borgerforloeb:my_cases"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
