"""Staff sign-in through the municipality's OIDC provider, end to end against a local provider.

The provider (tests/oidc_provider.py) is a real HTTP server; the browser's part of the redirect
flow is played by Django's test client (our side) and ``requests`` (the provider's side).
"""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from core.models import AuditEvent
from core.roles import Role
from tests.oidc_provider import OIDCTestProvider


@pytest.fixture(scope="module")
def provider():
    server = OIDCTestProvider().start()
    yield server
    server.stop()


@pytest.fixture
def oidc_settings(settings, provider):
    for name, value in provider.django_settings().items():
        setattr(settings, name, value)
    return settings


def sign_in_at_provider(client, provider, *, claims, next_url=None):
    """Run the redirect flow: our authorize redirect → provider → our callback."""
    provider.claims = claims
    start = "/oidc/authenticate/" + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302
    authorize_url = response["Location"]
    assert authorize_url.startswith(f"{provider.issuer}/authorize?")
    query = parse_qs(urlparse(authorize_url).query)
    assert query["client_id"] == [provider.client_id]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert "nonce" in query and "state" in query

    at_provider = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = urlparse(at_provider.headers["Location"])
    assert callback.path == "/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_login_page_shows_municipal_login_only_when_configured(client, settings, provider):
    html = client.get("/konto/login/").content.decode()
    assert "Log ind med kommunens login" not in html
    assert client.get("/oidc/authenticate/").status_code == 404

    for name, value in provider.django_settings().items():
        setattr(settings, name, value)
    html = client.get("/konto/login/?next=/forloeb/").content.decode()
    assert "Log ind med kommunens login" in html
    assert 'href="/oidc/authenticate/?next=/forloeb/"' in html


@pytest.mark.django_db
def test_existing_user_is_matched_by_email_in_any_case(client, oidc_settings, provider, make_user):
    sofie = make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    response = sign_in_at_provider(
        client,
        provider,
        claims={"sub": "a1", "email": "Sofie@Aarhus.Example.DK", "email_verified": True},
        next_url="/forloeb/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/forloeb/"
    assert client.session["_auth_user_id"] == str(sofie.pk)
    assert client.session["_auth_user_backend"] == "core.oidc.StaffOIDCBackend"
    assert client.get("/").context["user"] == sofie
    assert get_user_model().objects.count() == 1
    # The provider was really asked for the token, the keys and the user's claims.
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(provider.requests)
    assert AuditEvent.objects.filter(action="login", object_id=str(sofie.pk), note="OIDC").exists()


@pytest.mark.django_db
def test_new_user_is_created_without_any_rights(client, oidc_settings, provider):
    response = sign_in_at_provider(
        client,
        provider,
        claims={
            "sub": "n1",
            "email": "Ny.Medarbejder@Odense.example.dk",
            "email_verified": True,
            "name": "Ny Medarbejder",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="ny.medarbejder@odense.example.dk")
    assert user.full_name == "Ny Medarbejder"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.groups.exists()
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert not any(user.has_role(role) for role in Role)
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_unverified_email_is_refused_with_a_plain_message(client, oidc_settings, provider, make_user):
    make_user(role=Role.ADMINISTRATOR, email="chef@aarhus.example.dk")
    response = sign_in_at_provider(
        client, provider, claims={"sub": "x", "email": "chef@aarhus.example.dk", "email_verified": False}
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/"
    assert "_auth_user_id" not in client.session
    html = client.get("/konto/login/").content.decode()
    assert "Login med kommunens login lykkedes ikke" in html


@pytest.mark.django_db
def test_inactive_user_cannot_sign_in(client, oidc_settings, provider, make_user):
    make_user(email="gone@aarhus.example.dk", is_active=False)
    response = sign_in_at_provider(
        client, provider, claims={"sub": "g", "email": "gone@aarhus.example.dk", "email_verified": True}
    )
    assert response["Location"] == "/konto/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_forged_state_is_refused(client, oidc_settings, provider):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?code=whatever&state=forged")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_callbacks_are_counted_by_axes(client, oidc_settings, provider):
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    # A code the provider never issued: the token request fails, no user is signed in.
    response = client.get(f"/oidc/callback/?code=not-issued&state={state}")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/"
    assert AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_password_login_still_works_beside_oidc(client, oidc_settings, make_user):
    make_user(role=Role.CASEWORKER, email="ole@aarhus.example.dk")
    response = client.post(
        "/konto/login/", {"username": "ole@aarhus.example.dk", "password": "Testkodeord-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "core.backends.RoleLoadingBackend"


@pytest.mark.django_db
def test_deactivated_user_is_signed_out_on_the_next_request(client, oidc_settings, provider, make_user):
    user = make_user(role=Role.CASEWORKER, email="leaves@aarhus.example.dk")
    sign_in_at_provider(
        client, provider, claims={"sub": "l", "email": "leaves@aarhus.example.dk", "email_verified": True}
    )
    assert client.get("/").context["user"] == user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_missing_email_verified_is_not_trusted(client, oidc_settings, provider, make_user):
    make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    response = sign_in_at_provider(client, provider, claims={"sub": "m", "email": "sofie@aarhus.example.dk"})
    assert response["Location"] == "/konto/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "staff", "administrator"])
def test_privileged_account_is_never_linked_by_email(client, oidc_settings, provider, make_user, kind):
    extra = {"superuser": {"is_superuser": True}, "staff": {"is_staff": True}, "administrator": {}}[kind]
    role = Role.ADMINISTRATOR if kind == "administrator" else None
    boss = make_user(role=role, email="chef@aarhus.example.dk", **extra)
    response = sign_in_at_provider(
        client, provider, claims={"sub": "c", "email": "chef@aarhus.example.dk", "email_verified": True}
    )
    assert response["Location"] == "/konto/login/"
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == 1  # no second account created either
    assert "Administratorer logger ind med e-mail" in client.get("/konto/login/").content.decode()
    assert AuditEvent.objects.filter(object_id=str(boss.pk), note__startswith="OIDC login refused").exists()
