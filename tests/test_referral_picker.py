"""Refer from the directory: "Henvis borger" on offers for staff, the case chooser among the user's
own cases, the effort form prefilled; the offer picker searches the directory (typo-tolerant),
only offers the user may see, with a fixed number of queries and never all offers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from borgerforloeb.models import Effort
from tests.case_factories import make_org
from tilbud.models import Offer

pytestmark = pytest.mark.django_db
CHOICES = reverse("tilbud:offer_choices")


@pytest.fixture
def offers(world):
    org = make_org(world.municipality, name="Værestedet Illu")
    world.receiver = org
    world.offer = Offer.objects.create(
        organisation=org, name="Herberg for hjemløse", description="Seng og mad."
    )
    Offer.objects.create(
        organisation=org, name="Nedlagt herberg", description="Lukket.", status=Offer.Status.INACTIVE
    )
    return world


def _bulk(org, n, start=0):
    for i in range(start, start + n):
        Offer.objects.create(organisation=org, name=f"Herberg nummer {i}", description="Seng.")


def test_directory_shows_refer_to_staff_only(client, offers):
    url = reverse("tilbud:offer_detail", args=[offers.offer.pk])
    assert "Henvis borger" not in client.get(url).content.decode()
    client.force_login(offers.coordinator)
    body = client.get(url).content.decode()
    assert reverse("borgerforloeb:refer_offer") + f"?tilbud={offers.offer.pk}" in body
    assert "Henvis borger" in client.get(reverse("tilbud:offer_list"), {"q": "herberg"}).content.decode()


def test_case_chooser_lists_own_cases_and_opens_prefilled_form(client, offers):
    client.force_login(offers.coordinator)
    response = client.get(reverse("borgerforloeb:refer_offer"), {"tilbud": offers.offer.pk, "q": "Naja"})
    assert [c.pk for c in response.context["cases"]] == [offers.case.pk]
    fragment = client.get(
        reverse("borgerforloeb:refer_offer"), {"tilbud": offers.offer.pk, "q": "Ingen", "fragment": 1}
    )
    assert "Ingen af dine forløb" in fragment.content.decode() and "<html" not in fragment.content.decode()
    form_url = reverse("borgerforloeb:effort_create", args=[offers.case.pk]) + f"?tilbud={offers.offer.pk}"
    body = client.get(form_url).content.decode()
    assert f'value="{offers.offer.pk}" checked' in body and 'value="Herberg for hjemløse"' in body
    # The outsider does not see the case in the chooser.
    client.force_login(offers.outsider)
    response = client.get(reverse("borgerforloeb:refer_offer"), {"tilbud": offers.offer.pk})
    assert response.context["cases"] == []


def test_picker_is_typo_tolerant_and_never_lists_all(client, offers):
    _bulk(offers.receiver, 30)
    client.force_login(offers.coordinator)
    body = client.get(CHOICES, {"q": "herbreg hjemløse"}).content.decode()
    assert "Herberg for hjemløse" in body
    assert client.get(CHOICES, {"q": "herberg"}).content.decode().count('type="radio"') == 1 + 10
    assert client.get(CHOICES).content.decode().count('type="radio"') == 1  # no text: nothing listed
    form = client.get(reverse("borgerforloeb:effort_create", args=[offers.case.pk])).content.decode()
    assert form.count('name="offer"') == 1  # only "no offer" until the user searches


def test_picker_without_javascript_keeps_what_was_typed(client, offers):
    client.force_login(offers.coordinator)
    url = reverse("borgerforloeb:effort_create", args=[offers.case.pk])
    data = {
        "title": "Sted at sove",
        "responsible": offers.coordinator.pk,
        "status": "referred",
        "offer_q": "herberg",
    }
    body = client.post(url, {**data, "soeg_tilbud": "1"}).content.decode()
    assert 'value="Sted at sove"' in body and f'value="{offers.offer.pk}"' in body
    assert "Skriv" not in body.split("<form")[1].split("</form>")[0] or "invalid-feedback" not in body
    assert not Effort.objects.exists()
    response = client.post(url, {**data, "offer": offers.offer.pk})
    assert response.status_code == 302
    effort = Effort.objects.get()
    assert effort.offer == offers.offer and effort.receiving_organisation == offers.receiver


def test_picker_lists_only_offers_in_the_directory(client, offers):
    client.force_login(offers.volunteer)
    body = client.get(CHOICES, {"q": "herberg"}).content.decode()
    assert "Herberg for hjemløse" in body and "Nedlagt herberg" not in body
    client.logout()
    assert client.get(CHOICES, {"q": "herberg"}).status_code == 302  # signed-in staff only


def _count(client, q):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(CHOICES, {"q": q}).status_code == 200
    return len(ctx.captured_queries)


def test_picker_queries_fixed_at_two_sizes(client, offers):
    client.force_login(offers.coordinator)
    _bulk(offers.receiver, 3)
    client.get(CHOICES, {"q": "seng"})  # warm up (session, roles)
    small = _count(client, "herberg")  # ranked
    small_cached = _count(client, "herberg")  # the ranking is a cached answer
    _bulk(offers.receiver, 40, start=100)
    client.get(CHOICES, {"q": "seng"})  # the directory's new version is read once
    assert _count(client, "herberg") == small  # ranked again: the directory changed
    assert _count(client, "herberg") == small_cached < small
