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
