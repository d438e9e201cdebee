"""E-mail login, Danish error messages, lockout after repeated failures, logout, password reset."""

import pytest
from django.core import mail

from core.roles import Role

PASSWORD = "Testkodeord-123"


@pytest.fixture
def caseworker(make_user):
    return make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")


@pytest.mark.django_db
def test_login_with_email_in_any_case(client, caseworker):
    response = client.post("/konto/login/", {"username": "Sofie@Aarhus.Example.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == caseworker


@pytest.mark.django_db
def test_wrong_password_shows_danish_message_and_keeps_email(client, caseworker):
    response = client.post("/konto/login/", {"username": "sofie@aarhus.example.dk", "password": "forkert"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forkert e-mail eller adgangskode" in html
    assert 'value="sofie@aarhus.example.dk"' in html


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client, caseworker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/konto/login/", {"username": "sofie@aarhus.example.dk", "password": "forkert"})
    response = client.post("/konto/login/", {"username": "sofie@aarhus.example.dk", "password": PASSWORD})
    assert response.status_code == 429
    assert "midlertidigt låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post(client, caseworker):
    client.force_login(caseworker)
    response = client.post("/konto/logout/")
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link(client, caseworker):
    response = client.post("/konto/password_reset/", {"email": "sofie@aarhus.example.dk"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/konto/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["sofie@aarhus.example.dk"]


@pytest.mark.django_db
def test_session_expires_after_inactivity(settings):
    assert "core.middleware.SlidingSessionMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


@pytest.mark.django_db
def test_failures_for_one_user_name_from_many_addresses_lock_that_user_name(client, caseworker, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/konto/login/",
            {"username": "sofie@aarhus.example.dk", "password": "forkert"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    response = client.post(
        "/konto/login/",
        {"username": "sofie@aarhus.example.dk", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_one_address_for_many_user_names_lock_that_address(client, caseworker, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/konto/login/",
            {"username": f"guess{n}@aarhus.example.dk", "password": "x"},
            REMOTE_ADDR="198.51.100.7",
        )
    locked = client.post(
        "/konto/login/",
        {"username": "sofie@aarhus.example.dk", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/konto/login/",
        {"username": "sofie@aarhus.example.dk", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_audit_and_lockout_see_the_client_address_only_behind_a_trusted_proxy(client, caseworker, settings):
    from axes.models import AccessAttempt
    from django.test import RequestFactory

    from core import audit
    from core.models import AuditEvent

    forged = {"REMOTE_ADDR": "203.0.113.50", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    client.post("/konto/login/", {"username": "sofie@aarhus.example.dk", "password": "forkert"}, **forged)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"  # no trusted proxy: header ignored

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    via_proxy = {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.23, 10.9.9.9"}
    client.post("/konto/login/", {"username": "other@aarhus.example.dk", "password": "forkert"}, **via_proxy)
    assert AccessAttempt.objects.filter(ip_address="198.51.100.23").exists()

    request = RequestFactory().get("/", **via_proxy)
    event = audit.record(actor=caseworker, action="other", obj=caseworker, request=request)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "198.51.100.23"
    direct = RequestFactory().get("/", REMOTE_ADDR="198.51.100.99", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert audit.client_ip(direct) == "198.51.100.99"
