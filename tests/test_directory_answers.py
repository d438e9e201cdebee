"""The directory's answers (search results and facet counts, HSDS list pages, the offer picker's
ranking) are cached until the directory changes, per audience, and per opening-hours epoch."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tilbud_factories import OfferFactory, hours
from tilbud.answers import _epoch, _version, directory_changed
from tilbud.filters import OfferFilter, facets
from tilbud.models import LOCAL_TZ, Offer

pytestmark = pytest.mark.django_db
LIST = reverse("tilbud:offer_list")


def _statements(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def test_a_search_is_answered_from_the_cache_until_an_offer_changes(client):
    offer = OfferFactory(name="Herberg Nord", description="Seng og mad.")
    first, statements = _statements(client, LIST, {"q": "herberg"})
    assert any("WITH base AS MATERIALIZED" in sql for sql in statements)
    assert "Herberg Nord" in first.content.decode()

    again, statements = _statements(client, LIST, {"q": "herberg"})
    assert not any("WITH base AS MATERIALIZED" in sql for sql in statements)  # not searched again
    assert "Herberg Nord" in again.content.decode()

    offer.name = "Herberg Syd"
    offer.save()
    changed, statements = _statements(client, LIST, {"q": "herberg"})
    assert any("WITH base AS MATERIALIZED" in sql for sql in statements)
    assert "Herberg Syd" in changed.content.decode() and "Herberg Nord" not in changed.content.decode()


def test_internal_offers_are_not_answered_to_the_public_from_a_staff_answer(client, make_user):
    OfferFactory(name="Herberg for alle", description="Seng.")
    OfferFactory(name="Herberg internt", description="Seng.", internal=True)
    client.force_login(make_user())
    assert "Herberg internt" in client.get(LIST, {"q": "herberg"}).content.decode()
    client.logout()
    body = client.get(LIST, {"q": "herberg"}).content.decode()
    assert "Herberg for alle" in body and "Herberg internt" not in body


def test_open_now_counts_change_when_an_offer_opens_or_closes():
    offer = OfferFactory(name="Værested", description="Kaffe.")
    hours(offer, {0: ("09:00", "15:30")})
    monday = datetime.date(2026, 11, 30)

    def open_count(hour, minute=0):
        moment = datetime.datetime.combine(monday, datetime.time(hour, minute), tzinfo=LOCAL_TZ)
        filterset = OfferFilter({}, queryset=Offer.objects.listed(), now=moment)
        counts = facets(filterset, page=(0, 20), signed_in=False)
        return next(flag["count"] for flag in counts["flags"] if flag["name"] == "open_now")

    assert open_count(8, 59) == 0
    assert open_count(9, 0) == 1  # a new epoch: opened
    assert open_count(15, 29) == 1
    assert open_count(15, 30) == 0  # closed
    _token, times = _version()
    at = datetime.datetime.combine(monday, datetime.time(10), tzinfo=LOCAL_TZ)
    assert _epoch(at, times) == _epoch(at + datetime.timedelta(hours=5), times)  # one epoch 09:00-15:30


def test_a_write_drops_the_answers_again_when_its_transaction_commits(django_capture_on_commit_callbacks):
    token, _times = _version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        directory_changed()
        fresh, _times = _version()  # answers computed before the commit see uncommitted data...
    assert fresh != token and callbacks
    for callback in callbacks:
        callback()
    assert _version()[0] != fresh  # ...and are dropped once it commits


def test_an_hsds_list_page_is_cached_until_the_directory_changes(client):
    offer = OfferFactory(name="Bostøtte", description="Hjælp i hjemmet.")
    url = "/api/hsds/services"
    first, statements = _statements(client, url, {})
    assert statements and first.json()["contents"][0]["name"] == "Bostøtte"
    again, statements = _statements(client, url, {})
    assert again.content == first.content
    assert not any("tilbud_offer" in sql for sql in statements)
    Offer.objects.filter(pk=offer.pk).update(name="Bostøtte i eget hjem")  # bypasses the signals
    assert client.get(url).json()["contents"][0]["name"] == "Bostøtte"
    directory_changed()  # what every bulk writer calls
    assert client.get(url).json()["contents"][0]["name"] == "Bostøtte i eget hjem"
