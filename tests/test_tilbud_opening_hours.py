"""'Open now' in Danish wall-clock time: across midnight, on both DST change days, with exceptions.

Each case is checked both in SQL (``Offer.objects.open_at``, used by the filter and the API) and
in Python (``Offer.opening_state``, used on the offer page); they must agree.
"""

import datetime
import zoneinfo

import pytest

from tests.tilbud_factories import OfferFactory, closed_on, every_day, hours
from tilbud.models import Offer, ScheduleException

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def local(*args):
    return datetime.datetime(*args, tzinfo=CPH)


def is_open(offer, moment):
    in_sql = Offer.objects.open_at(moment).filter(pk=offer.pk).exists()
    fresh = Offer.objects.prefetch_related("schedules", "schedule_exceptions").get(pk=offer.pk)
    in_python = fresh.is_open_at(moment)
    assert in_sql == in_python, (moment, in_sql, in_python)
    return in_sql


def test_regular_hours():
    offer = OfferFactory()
    hours(offer, {0: ("08:00", "16:00")})  # Monday
    assert is_open(offer, local(2026, 11, 23, 8, 0))  # Monday 08:00
    assert is_open(offer, local(2026, 11, 23, 15, 59))
    assert not is_open(offer, local(2026, 11, 23, 16, 0))
    assert not is_open(offer, local(2026, 11, 23, 7, 59))
    assert not is_open(offer, local(2026, 11, 24, 10, 0))  # Tuesday


def test_across_midnight():
    offer = OfferFactory()
    hours(offer, {4: ("22:00", "06:00")})  # Friday night into Saturday
    assert not is_open(offer, local(2026, 11, 27, 21, 59))
    assert is_open(offer, local(2026, 11, 27, 23, 30))  # Friday
    assert is_open(offer, local(2026, 11, 28, 0, 0))  # Saturday midnight
    assert is_open(offer, local(2026, 11, 28, 5, 59))
    assert not is_open(offer, local(2026, 11, 28, 6, 0))
    assert not is_open(offer, local(2026, 11, 28, 23, 0))  # Saturday night: no hours
    assert not is_open(offer, local(2026, 11, 27, 3, 0))  # Friday early: Thursday had no hours


def test_all_day_and_until_midnight():
    always = OfferFactory()
    every_day(always)  # 00:00-00:00
    until_midnight = OfferFactory()
    hours(until_midnight, {2: ("18:00", "00:00")})  # Wednesday 18-24
    for moment in [local(2026, 11, 25, 0, 0), local(2026, 11, 25, 12, 0), local(2026, 11, 29, 23, 59)]:
        assert is_open(always, moment)
    assert is_open(until_midnight, local(2026, 11, 25, 23, 59))
    assert not is_open(until_midnight, local(2026, 11, 26, 0, 0))
    assert not is_open(until_midnight, local(2026, 11, 26, 0, 30))


def test_spring_forward_day():
    """29 March 2026: clocks jump from 02:00 CET to 03:00 CEST."""
    early = OfferFactory(name="Sunday 03-04")
    hours(early, {6: ("03:00", "04:00")})
    night = OfferFactory(name="Saturday 22-02")
    hours(night, {5: ("22:00", "02:00")})
    # 01:30 UTC is 03:30 CEST (a fixed +1 offset would wrongly say 02:30)
    assert is_open(early, utc(2026, 3, 29, 1, 30))
    assert not is_open(early, utc(2026, 3, 29, 0, 30))  # 01:30 CET
    assert not is_open(early, utc(2026, 3, 29, 2, 0))  # 04:00 CEST
    assert is_open(night, utc(2026, 3, 29, 0, 59))  # 01:59 CET
    assert not is_open(night, utc(2026, 3, 29, 1, 0))  # 03:00 CEST: the night is one hour shorter


def test_fall_back_day():
    """25 October 2026: clocks go back from 03:00 CEST to 02:00 CET; 02:00-03:00 happens twice."""
    early = OfferFactory(name="Sunday 02-03")
    hours(early, {6: ("02:00", "03:00")})
    morning = OfferFactory(name="Sunday 08-12")
    hours(morning, {6: ("08:00", "12:00")})
    assert is_open(early, utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert is_open(early, utc(2026, 10, 25, 1, 30))  # 02:30 CET, the second time
    assert not is_open(early, utc(2026, 10, 25, 2, 0))  # 03:00 CET
    assert not is_open(morning, utc(2026, 10, 25, 6, 30))  # 07:30 CET (a +2 offset says 08:30)
    assert is_open(morning, utc(2026, 10, 25, 7, 0))  # 08:00 CET


def test_exceptions_replace_regular_hours():
    offer = OfferFactory()
    hours(offer, {3: ("09:00", "15:00"), 4: ("22:00", "04:00")})
    christmas_eve = datetime.date(2026, 12, 24)  # a Thursday
    closed_on(offer, christmas_eve)
    assert not is_open(offer, local(2026, 12, 24, 10, 0))
    assert is_open(offer, local(2026, 12, 17, 10, 0))  # the Thursday before
    # special hours on a Friday night, running past midnight
    ScheduleException.objects.create(
        offer=offer,
        date=datetime.date(2026, 12, 25),
        closed=False,
        opens_at=datetime.time(12, 0),
        closes_at=datetime.time(2, 0),
    )
    assert is_open(offer, local(2026, 12, 25, 13, 0))
    assert not is_open(offer, local(2026, 12, 25, 11, 59))
    assert is_open(offer, local(2026, 12, 26, 1, 0))  # spill from the exception
    assert not is_open(offer, local(2026, 12, 26, 3, 0))  # regular Friday 22-04 replaced
    # a closed Friday also closes the night after it
    closed_on(offer, datetime.date(2027, 1, 1))
    assert not is_open(offer, local(2027, 1, 2, 1, 0))
    assert is_open(offer, local(2027, 1, 9, 1, 0))


def test_opens_at_and_closes_at():
    offer = OfferFactory()
    hours(offer, {0: ("08:00", "16:00"), 2: ("10:00", "14:00")})
    fresh = Offer.objects.prefetch_related("schedules", "schedule_exceptions").get(pk=offer.pk)
    assert fresh.opening_state(local(2026, 11, 23, 9, 0)) == (True, datetime.datetime(2026, 11, 23, 16, 0))
    assert fresh.opening_state(local(2026, 11, 23, 17, 0)) == (False, datetime.datetime(2026, 11, 25, 10, 0))
    no_hours = Offer.objects.prefetch_related("schedules", "schedule_exceptions").get(pk=OfferFactory().pk)
    assert no_hours.opening_state(local(2026, 11, 23, 9, 0)) == (False, None)


def test_offer_page_shows_open_now_and_hours(client):
    always = OfferFactory(name="Døgnåbent")
    every_day(always)
    html = client.get(always.get_absolute_url()).content.decode()
    assert "Åbent nu" in html
    assert "Hele døgnet" in html
    never = OfferFactory(name="Efter aftale")
    html = client.get(never.get_absolute_url()).content.decode()
    assert "Lukket nu" in html


def test_open_now_filter_in_list_and_api(client):
    always = OfferFactory(name="Døgnåbent")
    every_day(always)
    OfferFactory(name="Ingen åbningstider")
    response = client.get("/tilbud/", {"open_now": "true"})
    assert [o.name for o in response.context["page"]] == ["Døgnåbent"]
    data = client.get("/api/hsds/services", {"open_now": "true"}).json()
    assert [s["name"] for s in data["contents"]] == ["Døgnåbent"]
    data = client.get("/api/hsds/services", {"open_now": "false"}).json()
    assert [s["name"] for s in data["contents"]] == ["Ingen åbningstider"]
