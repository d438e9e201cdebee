"""Communication channels: searchable, printable, and the knowledge pages' safe Markdown."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from core.roles import Role
from samarbejde.models import Channel, KnowledgePage, Membership, Organisation, Unit


@pytest.fixture
def channels(municipality, other_municipality, organisation, make_user):
    unit = Unit.objects.create(organisation=organisation, name="Team for socialt udsatte")
    person = make_user(full_name="Pipaluk Olsen")
    membership = Membership.objects.create(user=person, organisation=organisation, title="Tolkekoordinator")
    odense_org = Organisation.objects.create(
        name="Odense Kommune", municipality=other_municipality, kind="kommunal"
    )
    return {
        "tolk": Channel.objects.create(
            municipality=municipality, topic="Bestilling af tolk", unit=unit, contact_person=membership,
            way="sikker_mail", contact_details="tolk@aarhus.example", opening_hours="Hverdage 8-15",
            fallback="Ring til Det Grønlandske Hus",
        ),
        "bolig": Channel.objects.create(
            municipality=municipality, topic="Boligakut", organisation=organisation, way="telefon",
            contact_details="Tlf. 70 10 20 30",
        ),
        "odense_tolk": Channel.objects.create(
            municipality=other_municipality, topic="Bestilling af tolk", organisation=odense_org,
            way="telefon", contact_details="tolk@odense.example",
        ),
    }  # fmt: skip


def test_search_by_topic_unit_and_person(client, municipality, channels):
    url = reverse("samarbejde:channel_list", args=[municipality.slug])
    html = client.get(url, {"q": "tolk"}).content.decode()
    assert "tolk@aarhus.example" in html
    assert "Boligakut" not in html
    assert "tolk@odense.example" not in html
    html = client.get(url, {"q": "socialt udsatte"}).content.decode()  # the responsible unit
    assert "Bestilling af tolk" in html and "Boligakut" not in html
    assert "Bestilling af tolk" in client.get(url, {"q": "Pipaluk"}).content.decode()
    html = client.get(url, {"q": "findes ikke"}).content.decode()
    assert "Ingen kommunikationsveje matcher" in html
    html = client.get(url).content.decode()
    assert "Bestilling af tolk" in html and "Boligakut" in html


def test_queryset_search_matches_all_words(channels):
    assert list(Channel.objects.search("tolk aarhus")) == [channels["tolk"]]
    assert set(Channel.objects.search("tolk")) == {channels["tolk"], channels["odense_tolk"]}
    assert Channel.objects.search("").count() == 3


def test_channel_shows_responsible_way_hours_and_fallback(client, municipality, channels, make_user):
    html = client.get(
        reverse("samarbejde:channel_list", args=[municipality.slug]), {"q": "tolk"}
    ).content.decode()
    for text in [
        "Sikker e-mail",
        "Hverdage 8-15",
        "Ring til Det Grønlandske Hus",
        "Team for socialt udsatte",
    ]:
        assert text in html
    assert "Pipaluk Olsen" not in html  # people's names for logged-in users only
    client.force_login(make_user(role=Role.CASEWORKER))
    html = client.get(
        reverse("samarbejde:channel_list", args=[municipality.slug]), {"q": "tolk"}
    ).content.decode()
    assert "Pipaluk Olsen, Tolkekoordinator" in html


def test_printable_one_page_per_municipality(client, municipality, channels):
    html = client.get(reverse("samarbejde:channel_list", args=[municipality.slug])).content.decode()
    assert "/static/css/samarbejde.css" in html
    assert "data-print" in html and "/static/js/samarbejde.js" in html
    assert "<script>" not in html  # CSP: no inline scripts
    css = open(finders.find("css/samarbejde.css"), encoding="utf-8").read()
    assert "@media print" in css
    assert "window.print" in open(finders.find("js/samarbejde.js"), encoding="utf-8").read()


def test_global_search(client, channels):
    html = client.get(reverse("samarbejde:channel_search"), {"q": "tolk odense"}).content.decode()
    assert "tolk@odense.example" in html and "tolk@aarhus.example" not in html


def test_channel_needs_someone_responsible(client, municipality, organisation, make_user):
    admin = make_user(role=Role.ADMINISTRATOR, organisation=organisation)
    client.force_login(admin)
    url = reverse("samarbejde:channel_create", args=[municipality.slug])
    response = client.post(
        url, {"topic": "Bestilling af tolk", "way": "telefon", "contact_details": "Tlf. 1"}
    )
    assert response.status_code == 200
    assert "Angiv den ansvarlige" in response.content.decode()
    assert 'value="Bestilling af tolk"' in response.content.decode()  # keeps what was typed
    response = client.post(
        url,
        {
            "topic": "Bestilling af tolk",
            "way": "telefon",
            "contact_details": "Tlf. 1",
            "organisation": organisation.pk,
        },
    )
    assert response.status_code == 302
    assert Channel.objects.filter(municipality=municipality, topic="Bestilling af tolk").exists()


@pytest.mark.django_db
def test_channel_review_date_is_edited_in_its_form(client, municipality, organisation, make_user):
    import datetime

    admin = make_user(role=Role.ADMINISTRATOR, organisation=organisation)
    client.force_login(admin)
    data = {"topic": "Bestilling af tolk", "way": "telefon", "contact_details": "Tlf. 1"}
    data["organisation"] = organisation.pk
    response = client.post(reverse("samarbejde:channel_create", args=[municipality.slug]), data)
    assert response.status_code == 302
    channel = Channel.objects.get(municipality=municipality, topic="Bestilling af tolk")
    assert channel.review_due is None  # optional
    url = reverse("samarbejde:channel_edit", args=[municipality.slug, channel.pk])
    assert 'name="review_due"' in client.get(url).content.decode()
    response = client.post(url, {**data, "review_due": "2027-03-01"})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.review_due == datetime.date(2027, 3, 1)
    response = client.post(url, {**data, "review_due": "1. marts"})
    assert response.status_code == 200 and "Indtast en gyldig dato." in response.content.decode()


@pytest.mark.django_db
def test_knowledge_page_markdown_is_sanitised(client):
    page = KnowledgePage.objects.create(
        title="Grønlandsk kultur og sprog",
        slug="kultur",
        body="## Sprog\n\n*kalaallisut* <script>alert(1)</script> [link](javascript:alert(1))"
        " <b onclick=x>b</b>",
    )
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<h2>Sprog</h2>" in html
    assert "<em>kalaallisut</em>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_only_administrators_edit_knowledge_pages(client, make_user):
    page = KnowledgePage.objects.create(title="Nytilkomnes behov", slug="nytilkomne", body="Tekst")
    client.force_login(make_user(role=Role.CASEWORKER))
    assert client.get(reverse("samarbejde:knowledge_edit", args=[page.slug])).status_code == 404
    client.force_login(make_user(role=Role.ADMINISTRATOR))
    response = client.post(
        reverse("samarbejde:knowledge_edit", args=[page.slug]),
        {"title": "Nytilkomnes behov", "slug": "nytilkomne", "body": "Ny **tekst**"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "Ny **tekst**"
