"""The offer page, print view, admin and demo data."""

import io

import pytest
from django.core.management import call_command

from tests.tilbud_factories import OfferFactory, add_location, add_phone, every_day
from tilbud.models import Contact, Offer

pytestmark = pytest.mark.django_db


def test_offer_page_shows_everything(client):
    offer = OfferFactory(
        name="Herberget",
        description="Overnatning.",
        walk_in=True,
        greenlandic_speaking_staff=True,
        interpreter_available=True,
        capacity_available=3,
        capacity_maximum=20,
        capacity_unit="senge",
        minimum_age=18,
        required_documents="Sundhedskort",
        email="herberg@example.dk",
    )
    every_day(offer)
    add_location(offer, latitude="56.157200", longitude="10.210700")
    add_phone(offer, "70 20 30 40")
    Contact.objects.create(offer=offer, name="Pipaluk Olsen", title="Leder")
    html = client.get(offer.get_absolute_url()).content.decode()
    for text in [
        "Herberget", "Overnatning.", "Man kan komme uden aftale.", "Grønlandsktalende personale",
        "Tolk kan bestilles", "3 / 20 senge", "Sundhedskort", "Vestergade 1", "8000 Aarhus C",
        "https://www.openstreetmap.org/?mlat=56.157200&amp;mlon=10.210700", 'href="tel:70203040"',
        "Pipaluk Olsen", "herberg@example.dk", "Åbent nu", "Sidst bekræftet i dag", "Udskriftsvenlig visning",
        "Alder: fra 18 år",
    ]:  # fmt: skip
        assert text in html, text


def test_map_link_without_coordinates_searches_address():
    offer = OfferFactory()
    location = add_location(offer)
    assert location.map_url.startswith("https://www.openstreetmap.org/search?query=Vestergade%201")


def test_print_view(client):
    offer = OfferFactory(name="Udskriv mig")
    response = client.get(f"/tilbud/{offer.pk}/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Udskriv mig" in html and "css/tilbud.css" in html
    assert "<nav" not in html  # no site navigation on paper
    assert "<script>" not in html  # CSP: no inline scripts


def test_mobile_first_markup(client):
    OfferFactory(name="Et tilbud")
    html = client.get("/tilbud/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'data-bs-target="#facets"' in html  # filters fold away on small screens
    css = open("static/css/tilbud.css").read()
    assert "@media print" in css and "max-width: 575.98px" in css


def test_admin_pages(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    offer = OfferFactory()
    every_day(offer)
    for url in [
        "/admin/tilbud/offer/",
        f"/admin/tilbud/offer/{offer.pk}/change/",
        "/admin/tilbud/offer/add/",
        "/admin/tilbud/offer/import-csv/",
        "/admin/tilbud/taxonomyterm/",
        "/admin/tilbud/targetgroup/",
        "/admin/tilbud/language/",
        "/admin/tilbud/taxonomy/",
        "/admin/tilbud/offer/?stale=yes",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/tilbud/offer/", {"action": "mark_assured", "_selected_action": [str(offer.pk)]}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.assured_by == admin


def test_demo_seed(client, settings):
    from samarbejde import demo as samarbejde_demo
    from tilbud import demo

    samarbejde_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    count = Offer.objects.count()
    demo.seed(io.StringIO())
    assert Offer.objects.count() == count >= 60
    assert set(Offer.objects.values_list("municipalities__slug", flat=True)) == {
        "koebenhavn", "aarhus", "odense", "aalborg", "esbjerg",
    }  # fmt: skip
    assert Offer.objects.open_now().filter(greenlandic_speaking_staff=True, walk_in=True).count() >= 5
    assert Offer.objects.filter(categories__code="tolkebistand", municipalities__slug="aarhus").exists()
    assert Offer.objects.needing_verification().exists()
    response = client.get("/tilbud/", {"q": "hjemløse", "municipality": "aarhus"})
    assert response.context["facets"]["total"] >= 3
    html = client.get("/tilbud/", {"open_now": "true"}).content.decode()
    assert "Åbent nu" in html


def test_seed_demo_command_includes_offers(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert Offer.objects.count() >= 60
