"""Two-factor sign-in (core/two_factor.py): administrators and superusers must set up an
authenticator app before any page answers them, every later password sign-in asks for a code,
recovery codes work once, everyone may turn it on, and a sign-in through the municipality's
OIDC provider is not asked again."""

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.models import AuditEvent
from core.roles import Role

PASSWORD = "Testkodeord-123"
pytestmark = pytest.mark.password_only


def sign_in(client, email, next_url=""):
    return client.post(
        "/konto/login/" + (f"?next={next_url}" if next_url else ""), {"username": email, "password": PASSWORD}
    )


def code_for(device):
    """The app's current code. The device forgets the last code it took (as if the next 30-second
    window had come), so one test can sign in several times."""
    device.refresh_from_db()
    device.last_t = -1
    device.drift = 0
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def set_up_app(client, next_url="/"):
    """Walk the setup page as a person with an app would; returns (device, recovery codes)."""
    page = client.get(f"/konto/totrin/opsaet/?next={next_url}")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/konto/totrin/opsaet/", {"code": code_for(device), "next": next_url})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.content.decode())
    return TOTPDevice.objects.get(pk=device.pk), codes


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.ADMINISTRATOR, email="chef@aarhus.example.dk", is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    [
        {"role": Role.ADMINISTRATOR, "is_staff": True},
        {"role": Role.ADMINISTRATOR},
        {"is_superuser": True, "is_staff": True},
        {"is_staff": True},
    ],
)
def test_privileged_users_reach_nothing_before_setting_up(client, make_user, kind):
    make_user(email="boss@example.test", **kind)
    response = sign_in(client, "boss@example.test", next_url="/admin/")
    assert response.status_code == 302
    for url in ["/admin/", "/forloeb/", "/", "/konto/sikkerhed/", "/tilbud/"]:
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith("/konto/totrin/opsaet/?next="), url
    # A POST elsewhere is refused too.
    assert client.post("/konto/password_change/", {})["Location"] == "/konto/totrin/opsaet/"


@pytest.mark.django_db
def test_setup_shows_a_server_drawn_qr_code_and_the_key(client, admin):
    sign_in(client, admin.email)
    response = client.get("/konto/totrin/opsaet/")
    html = response.content.decode()
    assert '<svg role="img" aria-label="QR-kode til godkenderappen"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in html.split('<div class="qr-code-frame">', 1)[1].split("</div>", 1)[0]
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert two_factor.secret_for_display(device) in html
    assert re.search(r"<label\s+for=\"id_code\"", html)
    # Reloading the page keeps the same key (the app the person already scanned stays valid).
    client.get("/konto/totrin/opsaet/")
    assert TOTPDevice.objects.filter(user=admin).count() == 1


@pytest.mark.django_db
def test_wrong_setup_code_is_shown_beside_the_field(client, admin):
    sign_in(client, admin.email)
    client.get("/konto/totrin/opsaet/")
    response = client.post("/konto/totrin/opsaet/", {"code": "000000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Koden passer ikke" in html
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_admin_sets_up_then_reaches_admin_and_sees_recovery_codes_once(client, admin):
    sign_in(client, admin.email, next_url="/admin/")
    device, codes = set_up_app(client, next_url="/admin/")
    assert device.confirmed
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=admin).count() == 10
    assert client.get("/admin/").status_code == 200
    # Shown once: the page is gone afterwards.
    assert client.get("/konto/totrin/gendannelseskoder/")["Location"] == "/konto/sikkerhed/"
    assert AuditEvent.objects.filter(note="two-factor set up", actor=admin).exists()


@pytest.mark.django_db
def test_next_sign_in_asks_for_a_code_and_a_wrong_one_is_refused(client, admin):
    sign_in(client, admin.email)
    device, _ = set_up_app(client)
    client.post("/konto/logout/")

    sign_in(client, admin.email, next_url="/admin/")
    response = client.get("/admin/")
    assert response["Location"] == "/konto/totrin/kode/?next=%2Fadmin%2F"
    # The setup page cannot be used to replace the app without the second factor.
    assert client.get("/konto/totrin/opsaet/")["Location"].startswith("/konto/totrin/kode/")

    wrong = client.post("/konto/totrin/kode/", {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "Koden passer ikke" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(note="second factor: wrong code", actor=admin).exists()

    old_key = client.session.session_key
    ok = client.post("/konto/totrin/kode/", {"code": code_for(device), "next": "/admin/"})
    assert ok["Location"] == "/admin/"
    assert client.session.session_key != old_key
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, admin):
    sign_in(client, admin.email)
    _, codes = set_up_app(client)
    client.post("/konto/logout/")

    sign_in(client, admin.email)
    response = client.post("/konto/totrin/kode/", {"code": codes[0].upper(), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/admin/").status_code == 200
    assert "Du har 9 ubrugte gendannelseskoder" in client.get("/konto/sikkerhed/").content.decode()
    client.post("/konto/logout/")

    sign_in(client, admin.email)
    again = client.post("/konto/totrin/kode/", {"code": codes[0], "next": "/"})
    assert again.status_code == 200
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_an_ordinary_user_is_not_asked_until_they_turn_it_on(client, make_user):
    user = make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    sign_in(client, user.email)
    assert client.get("/forloeb/").status_code == 200
    page = client.get("/konto/sikkerhed/").content.decode()
    assert "Slå totrinsbekræftelse til" in page

    device, _ = set_up_app(client, next_url="/konto/sikkerhed/")
    client.post("/konto/logout/")
    sign_in(client, user.email)
    assert client.get("/forloeb/")["Location"].startswith("/konto/totrin/kode/")
    client.post("/konto/totrin/kode/", {"code": code_for(device)})
    assert client.get("/forloeb/").status_code == 200

    # Turning it off needs a current code from the app.
    refused = client.post("/konto/sikkerhed/slaa-fra/", {"code": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post("/konto/sikkerhed/slaa-fra/", {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_administrator_cannot_turn_it_off(client, admin):
    sign_in(client, admin.email)
    device, _ = set_up_app(client)
    response = client.post("/konto/sikkerhed/slaa-fra/", {"code": code_for(device)})
    assert response["Location"] == "/konto/sikkerhed/"
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


@pytest.mark.django_db
def test_promotion_to_staff_takes_effect_in_the_running_session(client, make_user):
    user = make_user(role=Role.CASEWORKER)
    sign_in(client, user.email)
    assert client.get("/forloeb/").status_code == 200
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.get("/forloeb/")["Location"].startswith("/konto/totrin/opsaet/")


@pytest.mark.django_db
def test_a_reset_device_ends_the_verified_session_and_leads_to_setup(client, admin):
    sign_in(client, admin.email)
    set_up_app(client)
    assert client.get("/admin/").status_code == 200
    call_command("reset_two_factor", admin.email, stdout=io.StringIO())
    assert client.get("/admin/")["Location"].startswith("/konto/totrin/opsaet/")
    assert AuditEvent.objects.filter(note="two-factor reset").count() == 2


@pytest.mark.django_db
def test_device_secrets_are_not_in_django_admin():
    from django.contrib import admin as django_admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not django_admin.site.is_registered(TOTPDevice)
    assert not django_admin.site.is_registered(StaticDevice)


@pytest.mark.django_db
def test_danish_setup_page_in_english_too(client, admin):
    sign_in(client, admin.email)
    client.cookies["django_language"] = "en"
    html = client.get("/konto/totrin/opsaet/").content.decode()
    assert "Set up two-step verification" in html


@pytest.mark.django_db
def test_sign_in_through_the_municipal_provider_is_not_asked_again(client, make_user, settings):
    from tests.oidc_provider import OIDCTestProvider

    user = make_user(role=Role.CASEWORKER, email="sofie@aarhus.example.dk")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    provider = OIDCTestProvider().start()
    try:
        for name, value in provider.django_settings().items():
            setattr(settings, name, value)
        provider.claims = {"sub": "s", "email": user.email, "email_verified": True}
        import requests

        start = client.get("/oidc/authenticate/")
        at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
        callback = urlparse(at_provider.headers["Location"])
        assert parse_qs(callback.query)["code"]
        client.get(f"{callback.path}?{callback.query}")
    finally:
        provider.stop()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/forloeb/").status_code == 200


@pytest.mark.django_db
def test_demo_administrator_is_led_to_setup_on_first_sign_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post(
        "/konto/login/?next=/admin/", {"username": "admin@demo.dk", "password": "Samarbejde-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == "/konto/totrin/opsaet/?next=%2Fadmin%2F"
    set_up_app(client, next_url="/admin/")
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_repeated_wrong_codes_make_the_app_wait(client, admin):
    sign_in(client, admin.email)
    device, _ = set_up_app(client)
    client.post("/konto/logout/")
    sign_in(client, admin.email)
    right = code_for(device)
    # As after several wrong codes in a row (each one doubles the wait; django-otp's throttling).
    device.throttling_failure_count = 5
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    response = client.post("/konto/totrin/kode/", {"code": "000000"})
    assert "For mange forkerte koder" in response.content.decode()
    assert client.post("/konto/totrin/kode/", {"code": right}).status_code == 200  # still waiting
    assert client.get("/admin/").status_code == 302
