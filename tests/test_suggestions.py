"""Matched suggestions on the case's efforts page: offers that fit the citizen, ranked, each with
its reasons, the ranking explained in a sentence, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from borgerforloeb.suggestions import suggestions_for
from tests.case_factories import make_org
from tests.tilbud_factories import MunicipalityFactory
from tilbud.answers import directory_changed
from tilbud.models import Offer, TargetGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_options():
    return {
        "citizen": {"preferred_language": "kl", "interpreter_wanted": True, "target_groups": ["hjemloese"]}
    }


def offer(org, name, *, municipalities=(), groups=(), **fields):
    o = Offer.objects.create(organisation=org, name=name, description="Tilbud.", **fields)
    o.municipalities.set(municipalities)
    o.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    o.refresh_search_document()
    return o


@pytest.fixture
def directory(world):
    org = make_org(world.municipality, name="Værestedet Illu")
    elsewhere = MunicipalityFactory(name="Langtvæk", slug="langtvaek", code="999")
    here = [world.municipality]
    best = offer(
        org, "Kalaallit herberg", municipalities=here, groups=["hjemloese"], greenlandic_speaking_staff=True,
        capacity_available=2, capacity_maximum=10, capacity_updated_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    middle = offer(org, "Tolkecafé", municipalities=here, interpreter_available=True)
    far = offer(org, "Herberg langt væk", municipalities=[elsewhere], groups=["hjemloese"])
    offer(org, "Ældrecafé langt væk", municipalities=[elsewhere], groups=["aeldre"])  # fits nothing
    return {"best": best, "middle": middle, "far": far, "org": org, "elsewhere": elsewhere}


def test_ranked_with_reasons(world, directory):
    result = suggestions_for(world.case, world.coordinator)
    assert [s.offer.name for s in result] == ["Kalaallit herberg", "Tolkecafé", "Herberg langt væk"]
    best = result[0].reasons
    assert "grønlandsktalende personale" in best and "målgruppe: hjemløse" in best and "i kommunen" in best
    assert any(r.startswith("ledige pladser: 2, opdateret 3") for r in best)
    assert result[1].reasons == ["tolk", "i kommunen"]


def test_page_shows_reasons_and_explains_ranking(client, world, directory):
    client.force_login(world.coordinator)
    body = client.get(reverse("borgerforloeb:effort_list", args=[world.case.pk])).content.decode()
    assert "Kalaallit herberg" in body and "grønlandsktalende personale" in body
    assert "Forslagene er tilbud i borgerens kommune" in body
    assert f"?tilbud={directory['best'].pk}" in body


def test_offers_already_used_are_left_out(world, directory):
    world.case.efforts.create(title="Herberg", offer=directory["best"], responsible=world.coordinator)
    assert "Kalaallit herberg" not in [s.offer.name for s in suggestions_for(world.case, world.coordinator)]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fixed_queries_at_two_sizes(client, world, directory):
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:effort_list", args=[world.case.pk])
    client.get(url)  # warm up (session, roles)
    directory_changed()
    small = _count(client, url)  # ranked
    small_cached = _count(client, url)  # a cached directory answer
    for i in range(30):
        offer(directory["org"], f"Herberg {i}", municipalities=[world.municipality], groups=["hjemloese"])
    assert _count(client, url) == small  # ranked again: the directory changed
    assert _count(client, url) == small_cached < small


def test_a_new_effort_drops_its_offer_from_the_cached_suggestions(world, directory):
    assert "Kalaallit herberg" in [s.offer.name for s in suggestions_for(world.case, world.coordinator)]
    world.case.efforts.create(title="Herberg", offer=directory["best"], responsible=world.coordinator)
    assert "Kalaallit herberg" not in [s.offer.name for s in suggestions_for(world.case, world.coordinator)]
