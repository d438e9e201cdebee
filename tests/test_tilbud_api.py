"""The read-only HSDS API: pagination shape, filters, nested records, 400s, ndjson, OpenAPI."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.tilbud_factories import (
    MunicipalityFactory,
    OfferFactory,
    OrganisationFactory,
    add_location,
    add_phone,
    bulk_offers,
    closed_on,
    every_day,
)
from tilbud.models import Language, Offer, TargetGroup, TaxonomyTerm

pytestmark = pytest.mark.django_db
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def data():
    aarhus = MunicipalityFactory(name="Aarhus", slug="aarhus", code="751")
    odense = MunicipalityFactory(name="Odense", slug="odense", code="461")
    org_a = OrganisationFactory(name="Aarhus Kommune", municipality=aarhus)
    org_o = OrganisationFactory(name="Odense Frivillige", municipality=odense)
    herberg = TaxonomyTerm.objects.get(code="herberg")
    family = TaxonomyTerm.objects.get(code="familieraadgivning")
    shelter = OfferFactory(
        name="Herberget", organisation=org_a, municipalities=[aarhus], categories=[herberg],
        target_groups=[TargetGroup.objects.get(code="hjemloese")],
        languages=[Language.objects.get(code="kl")],
        capacity_available=2, capacity_maximum=20, capacity_unit="senge", description="For hjemløse.",
    )  # fmt: skip
    every_day(shelter)
    closed_on(shelter, datetime.date(2026, 12, 24))
    add_location(shelter, latitude="56.1", longitude="10.2")
    add_phone(shelter)
    family_offer = OfferFactory(
        name="Familierådgivning", organisation=org_o, municipalities=[odense], categories=[family],
        target_groups=[TargetGroup.objects.get(code="boernefamilier")],
    )  # fmt: skip
    internal = OfferFactory(name="Internt team", organisation=org_a, internal=True)
    return {
        "shelter": shelter,
        "family": family_offer,
        "internal": internal,
        "org_a": org_a,
        "herberg": herberg,
    }


def get(client, path, **params):
    return client.get(f"/api/hsds/{path}", params)


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["contents"])


def test_index_and_openapi(client):
    info = get(client, "").json()
    assert info["version"] == "3.0"
    doc = get(client, "openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in [
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomy_terms",
    ]:
        assert path in doc["paths"]
    params = {p["name"] for p in doc["paths"]["/services"]["get"]["parameters"]}
    assert {"search", "page", "per_page", "taxonomy_term_id", "organization_id", "modified_after", "minimal",
            "format", "municipality", "target_group", "language", "open_now"} <= params  # fmt: skip


def test_pagination_shape(client, data):
    bulk_offers(7, organisation=data["org_a"])
    first = get(client, "services", per_page=3).json()
    assert set(first) == PAGE_KEYS
    assert first["total_items"] == 9  # 2 public + 7, not the internal one
    assert (first["total_pages"], first["page_number"], first["size"]) == (3, 1, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert len(first["contents"]) == 3
    last = get(client, "services", per_page=3, page=3).json()
    assert last["last_page"] and not last["first_page"] and len(last["contents"]) == 3
    beyond = get(client, "services", per_page=3, page=9).json()
    assert beyond["empty"] and beyond["contents"] == []
    seen = set()
    for page in (1, 2, 3):
        seen |= {s["id"] for s in get(client, "services", per_page=3, page=page).json()["contents"]}
    assert len(seen) == 9


def test_full_nested_service_record(client, data):
    record = get(client, f"services/{data['shelter'].pk}").json()
    assert record["organization"]["name"] == "Aarhus Kommune"
    assert record["phones"][0]["number"] == "12 34 56 78"
    assert record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "8000"
    assert record["service_at_locations"][0]["location"]["latitude"] == 56.1
    assert len([s for s in record["schedules"] if s.get("freq") == "WEEKLY"]) == 7
    assert {"byday": "MO", "opens_at": "00:00", "closes_at": "00:00"}.items() <= record["schedules"][
        0
    ].items()
    assert any(s.get("closed") and s["valid_from"] == "2026-12-24" for s in record["schedules"])
    assert record["attributes"][0]["taxonomy_term"]["code"] == "herberg"
    assert record["capacities"] == [
        {"available": 2, "maximum": 20, "unit": {"name": "senge"}, "updated": None}
    ]
    # HSDS 3.0: each language has its own id (a stable UUID) and its service's id.
    assert [{"code": lang["code"], "name": lang["name"]} for lang in record["languages"]] == [
        {"code": "kl", "name": "Grønlandsk (kalaallisut)"}
    ]
    assert record["target_groups"][0]["code"] == "hjemloese"
    assert record["assured_date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "hjemløs"}, ["Herberget"]),
        ({"search": "herbeget"}, ["Herberget"]),
        ({"municipality": "odense"}, ["Familierådgivning"]),
        ({"target_group": "boernefamilier"}, ["Familierådgivning"]),
        ({"language": "kl"}, ["Herberget"]),
        ({"open_now": "true"}, ["Herberget"]),
    ],
)
def test_service_filters(client, data, params, expected):
    assert names(get(client, "services", **params)) == expected


def test_taxonomy_organisation_and_modified_filters(client, data):
    bolig = TaxonomyTerm.objects.get(code="bolig")
    assert names(get(client, "services", taxonomy_term_id=str(bolig.pk))) == ["Herberget"]  # parent → child
    assert names(get(client, "services", taxonomy_term_id=str(data["herberg"].pk))) == ["Herberget"]
    assert names(get(client, "services", organization_id=str(data["org_a"].pk))) == ["Herberget"]
    Offer.objects.filter(pk=data["family"].pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert names(get(client, "services", modified_after=since)) == ["Herberget"]
    assert names(get(client, "services", modified_after="2000-01-01")) == ["Familierådgivning", "Herberget"]


def test_minimal_and_ndjson(client, data):
    minimal = get(client, "services", minimal="true").json()["contents"][0]
    assert set(minimal) == {"id", "organization_id", "name", "description", "status", "last_modified"}
    response = get(client, "services", format="ndjson")
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["name"] for r in records) == ["Familierådgivning", "Herberget"]
    assert "organization" in records[0]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("services", {"page": "0"}, "page"),
        ("services", {"page": "x"}, "page"),
        ("services", {"per_page": "101"}, "per_page"),
        ("services", {"per_page": "0"}, "per_page"),
        ("services", {"taxonomy_term_id": "nope"}, "taxonomy_term_id"),
        ("services", {"organization_id": "123"}, "organization_id"),
        ("services", {"modified_after": "i går"}, "modified_after"),
        ("services", {"minimal": "måske"}, "minimal"),
        ("services", {"format": "xml"}, "format"),
        ("services", {"municipality": "atlantis"}, "municipality"),
        ("services", {"target_group": "alle"}, "target_group"),
        ("services", {"language": "xx"}, "language"),
        ("services", {"open_now": "yes please"}, "open_now"),
        ("services", {"search": "  "}, "search"),
        ("services", {"colour": "blue"}, "colour"),
        ("organizations", {"per_page": "1000"}, "per_page"),
        ("taxonomies", {"page": "-1"}, "page"),
        ("taxonomy_terms", {"parent_id": "x"}, "parent_id"),
    ],
)
def test_invalid_parameters_get_400_naming_them(client, data, path, params, parameter):
    response = get(client, path, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["error"]


def test_internal_offers_only_for_logged_in(client, make_user, data):
    internal = data["internal"]
    assert "Internt team" not in names(get(client, "services"))
    assert get(client, f"services/{internal.pk}").status_code == 404
    org = get(client, f"organizations/{data['org_a'].pk}").json()
    assert [s["name"] for s in org["services"]] == ["Herberget"]
    client.force_login(make_user())
    assert "Internt team" in names(get(client, "services"))
    assert get(client, f"services/{internal.pk}").status_code == 200


def test_organizations_and_taxonomies(client, data):
    OrganisationFactory(name="Uden tilbud")
    assert names(get(client, "organizations")) == ["Aarhus Kommune", "Odense Frivillige"]
    assert names(get(client, "organizations", municipality="odense")) == ["Odense Frivillige"]
    assert get(client, "organizations/00000000-0000-0000-0000-000000000000").status_code == 404
    assert get(client, "taxonomies").json()["contents"][0]["name"] == "Tilbudskategorier"
    top = get(client, "taxonomy_terms", top_only="true", per_page=100).json()
    # HSDS 3.0: a main category has no parent_id (absent, not null).
    assert all(t.get("parent_id") is None for t in top["contents"]) and top["total_items"] == 7
    bolig = TaxonomyTerm.objects.get(code="bolig")
    children = get(client, "taxonomy_terms", parent_id=str(bolig.pk)).json()["contents"]
    assert {c["code"] for c in children} == {"herberg", "botilbud", "bostoette", "krisecenter"}


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, "services", **params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"per_page": "100", "municipality": "aarhus"}, {"search": "masse"}])
def test_api_query_count_constant(client, data, django_assert_num_queries, params):
    aarhus = data["shelter"].municipalities.get()
    bulk_offers(8, organisation=data["org_a"], municipalities=[aarhus], categories=[data["herberg"]])
    small = _queries(client, params)
    bulk_offers(490, organisation=data["org_a"], municipalities=[aarhus], categories=[data["herberg"]],
                name="Masse B")  # fmt: skip
    with django_assert_num_queries(small):
        get(client, "services", **params)
