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
from tilbud.providers import offers_needing_verification


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
    assert offers_needing_verification in dashboard.providers()
    user = make_user()
    items = offers_needing_verification(municipality, user)
    if hasattr(Offer.objects.all(), "needing_verification"):
        assert items and items[0][1] == 0
    else:
        assert items == []
    assert offers_needing_verification(municipality, type("Anon", (), {"is_authenticated": False})()) == []


def test_pages_show_the_offers_of_the_source_tilbud_registers(
    client, municipality, organisation, monkeypatch, no_providers
):
    from samarbejde import offers
    from tilbud.providers import framework_offers

    assert offers.source() is framework_offers
    Offer.objects.create(organisation=organisation, name="Kildens tilbud").municipalities.add(municipality)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert count(html, "offers") == 1 and "Kildens tilbud" in html
    assert "Kildens tilbud" in client.get(organisation.get_absolute_url()).content.decode()
    monkeypatch.setattr(offers, "_sources", [])  # samarbejde alone knows no offers
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert count(html, "offers") == 0 and "Kildens tilbud" not in html
    assert "Kildens tilbud" not in client.get(organisation.get_absolute_url()).content.decode()


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


# --- Paging: a big city's actors and key contacts a page at a time ----------------------------------

KINDS = ["kommunal", "privat", "frivillig"]


def populate(municipality, per_kind, start=0):
    """``per_kind`` actors of each kind, each with a unit, a key contact, a channel, an offer and a
    place in a forum: everything a row of the page can show. Bulk-created, so 60 actors stay quick.
    """
    from django.contrib.auth import get_user_model

    numbers = range(start, start + per_kind)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{kind} aktør {i:03d}",
            municipality=municipality,
            kind=kind,
            role_in_effort=f"Rolle {kind} {i}",
        )
        for kind in KINDS
        for i in numbers
    )
    units = Unit.objects.bulk_create(
        Unit(organisation=org, name=f"Enhed {org.name}") for org in organisations
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"{municipality.slug}-{org.pk}@example.test", full_name=f"Kontakt {org.name}")
        for org in organisations
    )
    members = Membership.objects.bulk_create(
        Membership(user=user, organisation=org, unit=unit, title="Koordinator", is_key_contact=True)
        for user, org, unit in zip(users, organisations, units, strict=True)
    )
    Channel.objects.bulk_create(
        Channel(
            municipality=municipality,
            topic=f"Emne {org.name}",
            organisation=org,
            unit=unit,
            contact_person=member,
            way="telefon",
            contact_details="Tlf. 1",
        )
        for org, unit, member in zip(organisations, units, members, strict=True)
    )
    forum, _ = Forum.objects.get_or_create(
        municipality=municipality, name="Netværksmøde", cadence="kvartalsvis"
    )
    forum.member_organisations.add(*organisations)
    ForumMeeting.objects.create(forum=forum, date=timezone.now())
    offers = Offer.objects.bulk_create(
        Offer(organisation=org, name=f"Tilbud {org.name}") for org in organisations
    )
    Offer.municipalities.through.objects.bulk_create(
        Offer.municipalities.through(offer_id=offer.pk, municipality_id=municipality.pk) for offer in offers
    )
    return organisations


def actor_names(html):
    """The actors listed on the page, in order."""
    section = html.split('id="aktoerer"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="fw-semibold">([^<]+)</a>', section)


def actor_pager(html):
    section = html.split('id="aktoerer"', 1)[1].split("</section>", 1)[0]
    match = re.search(r'<nav aria-label="Sider med aktører".*?</nav>', section, re.S)
    return match.group(0) if match else ""


def expected_order(per_kind):
    """Municipal first, then private, then voluntary, by name within each kind."""
    return [f"{kind} aktør {i:03d}" for kind in KINDS for i in range(per_kind)]


def test_actor_list_is_paged_in_kind_then_name_order(client, municipality, no_providers):
    populate(municipality, 20)  # 60 actors: three pages
    everyone = expected_order(20)
    url = municipality.get_absolute_url()
    first = client.get(url).content.decode()
    assert actor_names(first) == everyone[:25]
    pager = actor_pager(first)
    assert 'aria-current="page" href="?side=1#aktoerer"' in pager
    assert 'rel="next" href="?side=2#aktoerer"' in pager
    assert "Viser 1–25 af 60" in first
    second = client.get(url, {"side": 2}).content.decode()
    assert actor_names(second) == everyone[25:50]
    assert 'aria-current="page" href="?side=2#aktoerer"' in actor_pager(second)
    third = client.get(url, {"side": 3}).content.decode()
    assert actor_names(third) == everyone[50:]
    assert 'rel="next"' not in actor_pager(third)
    # Every actor the page used to list at once is reachable, each exactly once.
    assert actor_names(first) + actor_names(second) + actor_names(third) == everyone
    # The groups keep their headings on every page: page 2 starts with private and ends with voluntary.
    assert re.findall(r'<h3 class="h5 mt-3">(\w+)</h3>', second) == ["Privat", "Frivillig"]
    # The figures count every actor, not the page.
    assert (count(second, "municipal"), count(second, "private"), count(second, "voluntary")) == (20, 20, 20)


@pytest.mark.parametrize(
    ("page", "shows"),
    [("abc", 1), ("", 1), ("2.5", 1), ("0", 3), ("-1", 3), ("999", 3), ("99999999999999999999", 3)],
)
def test_invalid_page_number_shows_a_page_not_an_error(client, municipality, no_providers, page, shows):
    populate(municipality, 20)
    response = client.get(municipality.get_absolute_url(), {"side": page, "kontakter": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert actor_names(html) == expected_order(20)[(shows - 1) * 25 : shows * 25]


def test_small_municipality_has_no_pager(client, municipality, no_providers):
    populate(municipality, 2)
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert actor_names(html) == expected_order(2)
    assert "Sider med aktører" not in html


def test_filter_by_kind_pages_within_the_kind_and_keeps_the_filter(client, municipality, no_providers):
    populate(municipality, 30)
    url = municipality.get_absolute_url()
    html = client.get(url, {"type": "privat"}).content.decode()
    assert actor_names(html) == [f"privat aktør {i:03d}" for i in range(25)]
    assert re.search(r'class="nav-link active" aria-current="page" href="[^"]*type=privat', html)
    assert "Viser 1–25 af 30" in html
    assert 'href="?type=privat&amp;side=2#aktoerer"' in actor_pager(html)
    second = client.get(url, {"type": "privat", "side": 2}).content.decode()
    assert actor_names(second) == [f"privat aktør {i:03d}" for i in range(25, 30)]
    # "All" goes back to every kind, from the first page.
    assert re.search(rf'href="{url}\??#aktoerer">Alle \(90\)', second)
    # An unknown kind is ignored: every actor.
    assert actor_names(client.get(url, {"type": "ukendt"}).content.decode()) == expected_order(30)[:25]


def test_key_contacts_are_paged_separately(client, municipality, make_user, no_providers):
    populate(municipality, 10)  # 30 key contacts
    client.force_login(make_user(role=Role.CASEWORKER))
    url = municipality.get_absolute_url()
    contacts = sorted(f"Kontakt {name}" for name in expected_order(10))  # by organisation name

    def listed(html):
        section = html.split('id="noeglepersoner"', 1)[1].split("</section>", 1)[0]
        return re.findall(r"<td>(Kontakt [^<]+)</td>", section)

    first = client.get(url, {"side": 2}).content.decode()
    assert listed(first) == contacts[:25]
    assert '<nav aria-label="Sider med nøglepersoner"' in first
    # The key-contact pager keeps the actor page the reader is on.
    assert 'href="?side=2&amp;kontakter=2#noeglepersoner"' in first
    second = client.get(url, {"side": 2, "kontakter": 2}).content.decode()
    assert listed(second) == contacts[25:]
    assert actor_names(second) == actor_names(first)


def test_channels_show_the_first_and_link_to_the_full_list(client, municipality, no_providers):
    from samarbejde.selectors import CHANNELS_ON_PAGE

    populate(municipality, 5)  # 15 channels
    html = client.get(municipality.get_absolute_url()).content.decode()
    topics = re.findall(r'<h3 class="h5 card-title">([^<]+)</h3>', html)
    assert topics == sorted(f"Emne {name}" for name in expected_order(5))[:CHANNELS_ON_PAGE]
    assert count(html, "channels") == 15
    assert f'href="/samarbejde/{municipality.slug}/kanaler/">Se alle 15 kommunikationsveje</a>' in html


def test_forum_counts_do_not_multiply(client, municipality, no_providers):
    """Members and meetings are counted separately: 15 members and 3 meetings, not 45 of each."""
    populate(municipality, 5)
    forum = Forum.objects.get(municipality=municipality)
    ForumMeeting.objects.create(forum=forum, date=timezone.now())
    ForumMeeting.objects.create(forum=forum, date=timezone.now())
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "15 deltagende organisationer · 3 møder" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_same_number_of_queries_for_5_and_60_actors(client, municipality, make_user, logged_in):
    """The whole page, dashboard providers included, costs the same queries at any size."""
    if logged_in:
        client.force_login(make_user(role=Role.COORDINATOR))
    url = municipality.get_absolute_url()
    populate(municipality, 2)
    Organisation.objects.filter(name="frivillig aktør 001").update(archived_at=timezone.now())  # 5 actors
    small_page = client.get(url).content.decode()  # warm caches (content types, sessions)
    assert len(actor_names(small_page)) == 5
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    populate(municipality, 19, start=2)  # 5 + 57 = 62 actors, 62 channels, offers, key contacts
    with CaptureQueriesContext(connection) as big:
        html = client.get(url, {"side": 2}).content.decode()
    assert len(actor_names(html)) == 25 and count(html, "channels") == 63  # the archived actor's too
    assert len(big) == len(small), "\n".join(q["sql"][:200] for q in big.captured_queries)


def test_offer_figure_counts_what_the_reader_may_see(
    client, municipality, other_municipality, make_user, no_providers
):
    organisations = populate(municipality, 1)  # 3 offers
    populate(other_municipality, 2)  # not this municipality's
    Offer.objects.create(organisation=organisations[0], name="Nedlagt", status="defunct").municipalities.add(
        municipality
    )
    if hasattr(Offer, "internal"):
        Offer.objects.create(organisation=organisations[0], name="Internt", internal=True).municipalities.add(
            municipality
        )
    url = municipality.get_absolute_url()
    assert count(client.get(url).content.decode(), "offers") == 3
    client.force_login(make_user())
    assert count(client.get(url).content.decode(), "offers") == (4 if hasattr(Offer, "internal") else 3)
