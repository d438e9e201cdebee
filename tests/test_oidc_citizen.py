"""Citizen sign-in through a national identity broker (MitID over OIDC), end to end against the
local test provider: the broker's CPR claim is matched to the citizen and the short citizen
session starts, exactly as after an invitation."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from core.models import AuditEvent
from core.roles import Role
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen
from tests.oidc_provider import OIDCTestProvider

CPR = "0101901234"
SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
LOW = "https://data.gov.dk/concept/core/nsis/loa/Low"


@pytest.fixture(scope="module")
def broker():
    server = OIDCTestProvider(client_id="portal-citizens").start()
    yield server
    server.stop()


@pytest.fixture
def broker_settings(settings, broker):
    for name, value in broker.django_settings().items():
        setattr(settings, f"CITIZEN_{name}", value)
    return settings


@pytest.fixture
def case(municipality, organisation, make_user):
    coordinator = make_user(role=Role.COORDINATOR, organisation=organisation)
    citizen = make_citizen(municipality, full_name="Aputsiaq Olsen", cpr=CPR)
    return make_case(municipality, citizen=citizen, coordinator=coordinator, coordinator_org=organisation)


def sign_in_at_broker(client, broker, claims):
    broker.claims = claims
    response = client.get("/mit-forloeb/mitid/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert response["Location"].startswith(f"{broker.issuer}/authorize?")
    assert query["redirect_uri"] == ["http://testserver/mit-forloeb/mitid/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    at_broker = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(at_broker.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_mitid_login_matches_the_cpr_claim_to_the_citizen(client, broker_settings, broker, case):
    assert "Log ind med MitID" in client.get("/mit-forloeb/log-ind/").content.decode()
    response = sign_in_at_broker(client, broker, {"sub": "mitid-1", "cpr": "010190-1234", "acr": SUBSTANTIAL})
    assert response.status_code == 302
    assert response["Location"] == "/mit-forloeb/"
    assert client.session[invitations.CITIZEN_SESSION_KEY] == str(case.citizen_id)
    assert "_auth_user_id" not in client.session
    assert client.get("/mit-forloeb/").status_code == 200
    assert AuditEvent.objects.filter(
        action="login", note="citizen OIDC", object_id=str(case.citizen_id)
    ).exists()


@pytest.mark.django_db
def test_unknown_cpr_gets_a_plain_message(client, broker_settings, broker, case):
    response = sign_in_at_broker(client, broker, {"sub": "mitid-2", "cpr": "0202801234", "acr": SUBSTANTIAL})
    assert response.status_code == 403
    assert "Vi kunne ikke logge dig ind" in response.content.decode()
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_forged_state_is_refused(client, broker_settings, case):
    client.get("/mit-forloeb/mitid/")
    response = client.get("/mit-forloeb/mitid/callback/?code=x&state=forged")
    assert response.status_code == 403
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_mitid_is_off_until_configured(client):
    assert "Log ind med MitID" not in client.get("/mit-forloeb/log-ind/").content.decode()
    assert client.get("/mit-forloeb/mitid/").status_code == 404
    assert client.get("/mit-forloeb/mitid/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("acr", [LOW, None])
def test_lower_or_missing_assurance_level_is_refused(client, broker_settings, broker, case, acr):
    claims = {"sub": "mitid-3", "cpr": CPR}
    if acr:
        claims["acr"] = acr
    response = sign_in_at_broker(client, broker, claims)
    assert response.status_code == 403
    assert invitations.CITIZEN_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_accepted_levels_come_from_the_setting_and_are_asked_for(client, broker_settings, broker, case):
    broker_settings.CITIZEN_OIDC_ACR_VALUES = ["urn:high"]
    response = client.get("/mit-forloeb/mitid/")
    assert parse_qs(urlparse(response["Location"]).query)["acr_values"] == ["urn:high"]
    assert sign_in_at_broker(client, broker, {"sub": "m", "cpr": CPR, "acr": SUBSTANTIAL}).status_code == 403
    response = sign_in_at_broker(client, broker, {"sub": "m", "cpr": CPR, "acr": "urn:high"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_staff_login_ends_a_citizen_session_in_the_same_browser(
    client, broker_settings, broker, case, make_user
):
    sign_in_at_broker(client, broker, {"sub": "mitid-1", "cpr": CPR, "acr": SUBSTANTIAL})
    assert client.get("/mit-forloeb/").status_code == 200
    make_user(role=Role.CASEWORKER, email="staff@aarhus.example.dk")
    client.post("/konto/login/", {"username": "staff@aarhus.example.dk", "password": "Testkodeord-123"})
    assert "_auth_user_id" in client.session
    assert invitations.CITIZEN_SESSION_KEY not in client.session
    assert client.get("/mit-forloeb/")["Location"] == "/mit-forloeb/log-ind/"


@pytest.mark.django_db
def test_citizen_login_ends_a_staff_session_in_the_same_browser(
    client, broker_settings, broker, case, make_user
):
    client.force_login(make_user(role=Role.CASEWORKER))
    sign_in_at_broker(client, broker, {"sub": "mitid-1", "cpr": CPR, "acr": SUBSTANTIAL})
    assert "_auth_user_id" not in client.session
    assert not client.get("/").context["user"].is_authenticated
