"""Providers keep their own listings; freshness (assured date) is visible and cheap to keep."""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEvent
from tests.tilbud_factories import OfferFactory, OrganisationFactory
from tilbud.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_and_other(make_user):
    mine = OrganisationFactory(name="Det Grønlandske Hus")
    other = OrganisationFactory(name="Andet sted")
    own_offer = OfferFactory(name="Vores rådgivning", organisation=mine, assured_date=None)
    other_offer = OfferFactory(name="Deres herberg", organisation=other)
    provider = make_user(organisation=mine)
    return provider, own_offer, other_offer


def edit_data(offer, **changes):
    data = {
        "name": offer.name, "status": offer.status, "description": offer.description, "free": "on",
        "assure": "on",
    }  # fmt: skip
    for prefix in ("locations", "schedules", "exceptions", "phones", "contacts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_provider_edits_own_offer(client, own_and_other):
    provider, own_offer, _other = own_and_other
    client.force_login(provider)
    assert client.get(f"/tilbud/{own_offer.pk}/rediger/").status_code == 200
    data = edit_data(
        own_offer,
        description="Ny beskrivelse",
        **{
            "schedules-TOTAL_FORMS": "1",
            "schedules-0-weekday": "0",
            "schedules-0-opens_at": "09:00",
            "schedules-0-closes_at": "15:00",
        },
    )
    response = client.post(f"/tilbud/{own_offer.pk}/rediger/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    own_offer.refresh_from_db()
    assert own_offer.description == "Ny beskrivelse"
    assert own_offer.schedules.get().opens_at == datetime.time(9, 0)
    assert own_offer.assured_date == timezone.localdate() and own_offer.assured_by == provider
    event = AuditEvent.objects.get(object_id=str(own_offer.pk), action="update")
    assert event.actor == provider and event.changes["description"] == [
        "Et tilbud til borgere.",
        "Ny beskrivelse",
    ]


def test_edit_form_errors_keep_input(client, own_and_other):
    provider, own_offer, _other = own_and_other
    client.force_login(provider)
    response = client.post(
        f"/tilbud/{own_offer.pk}/rediger/", edit_data(own_offer, minimum_age="30", maximum_age="20")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maksimumsalderen skal være mindst minimumsalderen." in html
    assert 'value="30"' in html


def test_provider_cannot_touch_other_organisations_offers(client, own_and_other, make_user):
    provider, _own, other_offer = own_and_other
    client.force_login(provider)
    assert client.get(f"/tilbud/{other_offer.pk}/rediger/").status_code == 404
    assert client.post(f"/tilbud/{other_offer.pk}/rediger/", edit_data(other_offer)).status_code == 404
    assert client.post(f"/tilbud/{other_offer.pk}/bekraeft/").status_code == 404
    other_offer.refresh_from_db()
    assert other_offer.name == "Deres herberg"
    # the detail page shows no edit buttons to non-members
    html = client.get(other_offer.get_absolute_url()).content.decode()
    assert "Stadig korrekt" not in html
    # a user with no membership edits nothing; anonymous users are sent to log in
    client.force_login(make_user())
    assert client.get(f"/tilbud/{other_offer.pk}/rediger/").status_code == 404
    client.logout()
    assert client.get(f"/tilbud/{other_offer.pk}/rediger/").status_code == 302


def test_still_correct_in_one_click(client, own_and_other):
    provider, own_offer, _other = own_and_other
    client.force_login(provider)
    html = client.get(own_offer.get_absolute_url()).content.decode()
    assert "Stadig korrekt" in html and "Aldrig bekræftet" in html
    assert client.get(f"/tilbud/{own_offer.pk}/bekraeft/").status_code == 405
    response = client.post(f"/tilbud/{own_offer.pk}/bekraeft/", {"next": "/tilbud/mine/"})
    assert response.status_code == 302 and response["Location"] == "/tilbud/mine/"
    own_offer.refresh_from_db()
    assert own_offer.assured_date == timezone.localdate()
    assert own_offer.assured_by == provider
    event = AuditEvent.objects.get(object_id=str(own_offer.pk))
    assert event.actor == provider and "assured_date" in event.changes
    assert "Sidst bekræftet i dag" in client.get(own_offer.get_absolute_url()).content.decode()
    # an unsafe next URL is ignored
    response = client.post(f"/tilbud/{own_offer.pk}/bekraeft/", {"next": "https://evil.example/"})
    assert response["Location"] == own_offer.get_absolute_url()


def test_my_offers_lists_only_own(client, own_and_other):
    provider, own_offer, other_offer = own_and_other
    client.force_login(provider)
    html = client.get("/tilbud/mine/").content.decode()
    assert own_offer.name in html and other_offer.name not in html
    assert "Forældet" in html  # never assured


def test_needing_verification_hook():
    today = timezone.localdate()
    fresh = OfferFactory(assured_date=today - datetime.timedelta(days=179))
    old = OfferFactory(assured_date=today - datetime.timedelta(days=180))
    never = OfferFactory(assured_date=None)
    defunct = OfferFactory(assured_date=None, status=Offer.Status.DEFUNCT)
    stale = set(Offer.objects.needing_verification())
    assert stale == {old, never}
    assert fresh not in stale and defunct not in stale
    assert set(Offer.objects.needing_verification(days=30)) == {fresh, old, never}


def test_stale_flag_in_list_and_on_offer_page(client):
    today = timezone.localdate()
    stale = OfferFactory(name="Gammelt", assured_date=today - datetime.timedelta(days=200))
    OfferFactory(name="Friskt", assured_date=today - datetime.timedelta(days=3))
    response = client.get("/tilbud/")
    html = response.content.decode()
    assert html.count("Ikke bekræftet i 180 dage") == 1
    page = client.get(stale.get_absolute_url()).content.decode()
    assert "Sidst bekræftet for 200 dage siden" in page
    assert "Ring og tjek, før du henviser." in page
    fresh_page = client.get(Offer.objects.get(name="Friskt").get_absolute_url()).content.decode()
    assert "Sidst bekræftet for 3 dage siden" in fresh_page
    assert "Ring og tjek" not in fresh_page


def test_visible_to_is_the_one_rule(client, make_user):
    internal = OfferFactory(name="Kun for fagfolk", internal=True)
    assert set(Offer.objects.visible_to(None)) == set()
    assert client.get(internal.get_absolute_url()).status_code == 404
    assert client.get(f"/tilbud/{internal.pk}/print/").status_code == 404
    client.force_login(make_user())
    assert client.get(internal.get_absolute_url()).status_code == 200
    inactive = make_user(is_active=False)
    assert internal not in Offer.objects.visible_to(inactive)
