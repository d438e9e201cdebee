"""Facets narrow correctly, counts are right, filters stay in the URL, constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samarbejde.models import Organisation
from tests.tilbud_factories import (
    MunicipalityFactory,
    OfferFactory,
    OrganisationFactory,
    bulk_offers,
    every_day,
)
from tilbud.models import Language, Offer, TargetGroup, TaxonomyTerm

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get("/tilbud/", params)
    assert response.status_code == 200
    return response


def result_names(response):
    return sorted(o.name for o in response.context["page"])


def facet(response, name):
    return {c["value"]: c["count"] for c in response.context["facets"][name]}


@pytest.fixture
def directory():
    aarhus = MunicipalityFactory(name="Aarhus", slug="aarhus", code="751")
    odense = MunicipalityFactory(name="Odense", slug="odense", code="461")
    municipal = OrganisationFactory(municipality=aarhus, kind=Organisation.Kind.MUNICIPAL)
    voluntary = OrganisationFactory(municipality=odense, kind=Organisation.Kind.VOLUNTARY)
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    kl = Language.objects.get(code="kl")
    a = OfferFactory(
        name="A herberg", organisation=municipal, municipalities=[aarhus], categories=[terms["herberg"]],
        target_groups=[groups["hjemloese"]], walk_in=True, free=True, greenlandic_speaking_staff=True,
        languages=[kl], minimum_age=18,
    )  # fmt: skip
    b = OfferFactory(
        name="B botilbud", organisation=municipal, municipalities=[aarhus, odense],
        categories=[terms["botilbud"]], target_groups=[groups["hjemloese"], groups["misbrug"]],
        referral_required=True, free=False, interpreter_available=True, minimum_age=18, maximum_age=30,
    )  # fmt: skip
    c = OfferFactory(
        name="C familie", organisation=voluntary, municipalities=[odense],
        categories=[terms["familieraadgivning"]], target_groups=[groups["boernefamilier"]], walk_in=True,
        free=True, anonymous_allowed=True,
    )  # fmt: skip
    d = OfferFactory(
        name="D misbrug", organisation=voluntary, municipalities=[odense],
        categories=[terms["misbrugsbehandling"], terms["psykiatri"]], target_groups=[groups["misbrug"]],
        free=True, maximum_age=25,
    )  # fmt: skip
    every_day(c)
    return {"a": a, "b": b, "c": c, "d": d, "terms": terms, "aarhus": aarhus, "odense": odense}


def test_unfiltered_counts(client, directory):
    response = get(client)
    assert response.context["facets"]["total"] == 4
    assert facet(response, "municipality") == {"aarhus": 2, "odense": 3}
    assert facet(response, "target_group") == {"hjemloese": 2, "misbrug": 2, "boernefamilier": 1}
    assert facet(response, "kind") == {"kommunal": 2, "frivillig": 2}
    assert facet(response, "access") == {"walk_in": 2, "referral": 1}
    assert facet(response, "language") == {"kl": 1}
    flags = {f["name"]: f["count"] for f in response.context["facets"]["flags"]}
    assert flags == {
        "free": 3,
        "greenlandic": 1,
        "interpreter": 1,
        "anonymous": 1,
        "open_now": 1,
        "vacant": 0,
    }


def test_category_parent_includes_children(client, directory):
    terms = directory["terms"]
    response = get(client)
    roots = {c["value"]: c for c in response.context["facets"]["category"]}
    bolig = roots[str(terms["bolig"].pk)]
    assert bolig["count"] == 2
    assert {c["label"]: c["count"] for c in bolig["children"]} == {
        "Botilbud": 1,
        "Herberg og natvarmestue": 1,
    }
    # D has two children of "Behandling": counted once
    assert roots[str(terms["behandling"].pk)]["count"] == 1
    assert result_names(get(client, category=terms["bolig"].pk)) == ["A herberg", "B botilbud"]
    assert result_names(get(client, category=terms["botilbud"].pk)) == ["B botilbud"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"municipality": "aarhus"}, ["A herberg", "B botilbud"]),
        ({"municipality": "odense"}, ["B botilbud", "C familie", "D misbrug"]),
        ({"target_group": "misbrug"}, ["B botilbud", "D misbrug"]),
        ({"kind": "frivillig"}, ["C familie", "D misbrug"]),
        ({"access": "walk_in"}, ["A herberg", "C familie"]),
        ({"access": "referral"}, ["B botilbud"]),
        ({"free": "true"}, ["A herberg", "C familie", "D misbrug"]),
        ({"greenlandic": "true"}, ["A herberg"]),
        ({"interpreter": "true"}, ["B botilbud"]),
        ({"anonymous": "true"}, ["C familie"]),
        ({"open_now": "true"}, ["C familie"]),
        ({"language": "kl"}, ["A herberg"]),
        ({"age": "10"}, ["C familie", "D misbrug"]),
        ({"age": "20"}, ["A herberg", "B botilbud", "C familie", "D misbrug"]),
        ({"age": "40"}, ["A herberg", "C familie"]),
        ({"municipality": "odense", "free": "true", "target_group": "misbrug"}, ["D misbrug"]),
        ({"municipality": "aarhus", "access": "walk_in", "q": "herberg"}, ["A herberg"]),
    ],
)
def test_each_facet_narrows(client, directory, params, expected):
    assert result_names(get(client, **params)) == expected


def test_counts_follow_other_filters(client, directory):
    response = get(client, municipality="odense")
    # other facets are counted within Odense
    assert facet(response, "target_group") == {"hjemloese": 1, "misbrug": 2, "boernefamilier": 1}
    assert facet(response, "kind") == {"kommunal": 1, "frivillig": 2}
    # the municipality facet itself shows what choosing another value would give
    assert facet(response, "municipality") == {"aarhus": 2, "odense": 3}
    flags = {f["name"]: f["count"] for f in response.context["facets"]["flags"]}
    assert flags["free"] == 2
    # choosing a value gives exactly the advertised count
    for value, count in facet(get(client, free="true"), "target_group").items():
        assert get(client, free="true", target_group=value).context["facets"]["total"] == count


def test_filters_stay_in_links(client, directory):
    bulk_offers(45, organisation=directory["a"].organisation, municipalities=[directory["aarhus"]])
    response = get(client, municipality="aarhus", free="true")
    html = response.content.decode()
    assert response.context["page"].paginator.num_pages == 3
    assert "municipality=aarhus&amp;free=true&amp;page=2" in html
    assert "eksport.csv?municipality=aarhus&amp;free=true" in html
    page2 = get(client, municipality="aarhus", free="true", page=2)
    assert page2.context["page"].number == 2
    assert len(page2.context["page"]) == 20


def test_invalid_age_is_ignored_with_message(client, directory):
    response = get(client, age="abc")
    assert response.context["facets"]["total"] == 4


def test_internal_offers_hidden_from_anonymous(client, make_user, directory):
    OfferFactory(name="Internt team", internal=True)
    assert "Internt team" not in result_names(get(client))
    assert get(client).context["facets"]["total"] == 4
    client.force_login(make_user())
    assert "Internt team" in result_names(get(client))


def test_inactive_and_defunct_not_listed(client, directory):
    OfferFactory(name="Lukket for altid", status=Offer.Status.DEFUNCT)
    OfferFactory(name="Midlertidigt lukket", status=Offer.Status.TEMPORARILY_CLOSED)
    names = result_names(get(client))
    assert "Lukket for altid" not in names
    assert "Midlertidigt lukket" in names


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/tilbud/", params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "masseoffer"}, {"municipality": "aarhus", "free": "true", "open_now": "true", "page": "2"}],
)
def test_query_count_constant_from_10_to_500(client, django_assert_num_queries, params):
    aarhus = MunicipalityFactory(name="Aarhus", slug="aarhus", code="751")
    org = OrganisationFactory(municipality=aarhus)
    term = TaxonomyTerm.objects.get(code="herberg")
    group = TargetGroup.objects.get(code="hjemloese")
    offers = bulk_offers(
        10, organisation=org, municipalities=[aarhus], categories=[term], target_groups=[group]
    )
    for offer in offers[:3]:
        every_day(offer)
    small = _count_queries(client, params)
    assert small <= 25
    bulk_offers(490, organisation=org, municipalities=[aarhus], categories=[term], target_groups=[group],
                name="Masseoffer B")  # fmt: skip
    for offer in Offer.objects.all()[:50]:
        every_day(offer, "08:00", "22:00")
    with django_assert_num_queries(small):
        response = client.get("/tilbud/", params)
    assert response.context["facets"]["total"] > 10 or params
