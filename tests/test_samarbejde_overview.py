"""The municipality page: the organisation of the effort in one view, with a fixed number of queries."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from samarbejde import dashboard
from samarbejde.models import Channel, Forum, ForumMeeting, Membership, Organisation, Unit
from tilbud.models import Offer


@pytest.fixture
def no_providers(monkeypatch):
    monkeypatch.setattr(dashboard, "_providers", [])


def build(municipality, make_user, n, start=0):
    """n actors of each kind, with units, key contacts, channels, forums and offers."""
    for i in range(start, start + n):
        for kind in ["kommunal", "privat", "frivillig"]:
            org = Organisation.objects.create(
                name=f"{kind} aktør {i}", municipality=municipality, kind=kind, role_in_effort=f"Rolle {i}"
            )
            unit = Unit.objects.create(organisation=org, name=f"Enhed {i}")
            user = make_user(phone="12345678")
            Membership.objects.create(
                user=user, organisation=org, unit=unit, title="Socialrådgiver", contact_about="Bolig",
                is_key_contact=True,
            )  # fmt: skip
            Channel.objects.create(
                municipality=municipality, topic=f"Emne {kind} {i}", organisation=org, unit=unit,
                contact_person=Membership.objects.get(user=user), way="telefon", contact_details="Tlf. 1",
            )  # fmt: skip
            offer = Offer.objects.create(organisation=org, name=f"Tilbud {kind} {i}")
            offer.municipalities.add(municipality)
        forum = Forum.objects.create(municipality=municipality, name=f"Forum {i}", cadence="kvartalsvis")
        forum.member_organisations.set(Organisation.objects.filter(municipality=municipality))
        ForumMeeting.objects.create(forum=forum, date=timezone.now())


def count(html, key):
    return int(re.search(rf'data-count="{key}">(\d+)<', html).group(1))


def test_counts_are_correct(client, municipality, other_municipality, make_user, no_providers):
    build(municipality, make_user, 2)
    build(other_municipality, make_user, 1)  # must not be counted
    Organisation.objects.create(
        name="Arkiveret", municipality=municipality, kind="privat", archived_at=timezone.now()
    )
    Offer.objects.create(
        organisation=Organisation.objects.first(), name="Nedlagt", status="defunct"
    ).municipalities.add(municipality)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert count(html, "municipal") == 2
    assert count(html, "private") == 2
    assert count(html, "voluntary") == 2
    assert count(html, "channels") == 6
    assert count(html, "forums") == 2
    assert count(html, "offers") == 6
    assert "Arkiveret" not in html
    assert "Rolle 1" in html  # role in the effort


def test_key_contacts_only_for_logged_in_users(client, municipality, make_user, no_providers):
    build(municipality, make_user, 1)
    contact = Membership.objects.filter(is_key_contact=True).select_related("user").first()
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert contact.user.email not in html
    client.force_login(make_user(role=Role.CASEWORKER))
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Nøglepersoner" in html
    assert contact.user.email in html and "Bolig" in html and "Socialrådgiver" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_fixed_number_of_queries(
    client, municipality, make_user, django_assert_num_queries, no_providers, logged_in
):
    """The same number of queries for 1 or 9 actors of each kind (the layout may add a few of its own)."""
    viewer = make_user(role=Role.ADMINISTRATOR)
    if logged_in:
        client.force_login(viewer)
    url = municipality.get_absolute_url()
    build(municipality, make_user, 1)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # The page's own reads: municipality, organisations, units, channels, forums, offers (and
    # key contacts and the edit-rights check when logged in); the rest is session and layout.
    assert len(small) <= (20 if logged_in else 10)
    build(municipality, make_user, 8, start=1)
    with django_assert_num_queries(len(small)):
        html = client.get(url).content.decode()
    assert count(html, "municipal") == 9
    assert count(html, "channels") == 27


def test_dashboard_renders_registered_providers(client, municipality, make_user, no_providers):
    def cases(m, user):
        if not user.is_authenticated:
            return []
        return [("Aktive forløb", 7, "/forloeb/"), ("Forløb uden aktiv tovholder", 2, None)]

    def broken(m, user):
        raise RuntimeError("provider bug")

    dashboard.register(cases)
    dashboard.register(cases)  # once only
    dashboard.register(broken)
    assert dashboard.providers() == [cases, broken]
    assert "Aktive forløb" not in client.get(municipality.get_absolute_url()).content.decode()
    client.force_login(make_user())
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert 'href="/forloeb/">7</a>' in html
    assert "Forløb uden aktiv tovholder" in html


def test_offers_needing_verification_provider_is_registered_and_safe(municipality, make_user):
    assert dashboard.offers_needing_verification in dashboard.providers()
    user = make_user()
    items = dashboard.offers_needing_verification(municipality, user)
    if hasattr(Offer.objects.all(), "needing_verification"):
        assert items and items[0][1] == 0
    else:
        assert items == []
    assert (
        dashboard.offers_needing_verification(municipality, type("Anon", (), {"is_authenticated": False})())
        == []
    )


@pytest.mark.django_db
def test_interpreter_in_aarhus_in_two_clicks_from_home(client, settings):
    """Home → Aarhus (click 1) shows who to contact about an interpreter; its page is click 2 at most."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(email="sagsbehandler@demo.dk")
    )
    home = client.get(reverse("home")).content.decode()
    aarhus_link = re.search(r'href="(/samarbejde/aarhus/)"', home)
    assert aarhus_link, "home links the municipality page"
    page = client.get(aarhus_link.group(1)).content.decode()
    assert "Bestilling af tolk" in page
    assert "tolkebestilling@aarhus.demo.dk" in page
    # ...or search from the home page: one form submit.
    assert 'action="/samarbejde/kanaler/"' in home
    results = client.get("/samarbejde/kanaler/", {"q": "tolk aarhus"}).content.decode()
    assert "tolkebestilling@aarhus.demo.dk" in results
    assert "tolkebestilling@odense.demo.dk" not in results


@pytest.mark.django_db
def test_demo_framework_is_complete(settings):
    from samarbejde.models import ForumAction, KnowledgePage, WorkTool

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    for slug in ["koebenhavn", "aarhus", "odense", "aalborg", "esbjerg"]:
        assert Channel.objects.filter(municipality__slug=slug).count() >= 4
        forum = Forum.objects.get(municipality__slug=slug, cadence="kvartalsvis")
        assert ForumAction.objects.filter(meeting__forum=forum).count() == 1
    assert Channel.objects.filter(municipality__slug="aarhus", topic="Bestilling af tolk").exists()
    assert set(WorkTool.objects.values_list("kind", flat=True)) == {
        "samtykke", "netvaerkskort", "indsatsoverblik", "maal_og_aftaler"
    }  # fmt: skip
    assert KnowledgePage.objects.count() == 3


def test_internal_offers_only_for_signed_in_users(
    client, municipality, organisation, make_user, no_providers
):
    if not hasattr(Offer, "internal"):
        pytest.skip("the directory has no internal offers")
    Offer.objects.create(organisation=organisation, name="Internt tilbud", internal=True).municipalities.add(
        municipality
    )
    for url in [municipality.get_absolute_url(), organisation.get_absolute_url()]:
        assert "Internt tilbud" not in client.get(url).content.decode()
    client.force_login(make_user())
    for url in [municipality.get_absolute_url(), organisation.get_absolute_url()]:
        assert "Internt tilbud" in client.get(url).content.decode()
