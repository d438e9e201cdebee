"""The offers' denormalised search data (document, facet id arrays, organisation kind) stays what
the link tables say through every path that changes them, and the directory's pages read it with
a constant number of queries."""

import csv
import io

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
from tilbud import csv_io
from tilbud.models import Language, Offer, SearchWord, TargetGroup, TaxonomyTerm
from tilbud.search import refresh_offers

pytestmark = pytest.mark.django_db


def expected(offer):
    """What the arrays must hold, read from the link tables."""
    offer = Offer.objects.get(pk=offer.pk)
    terms = list(offer.categories.all())
    return {
        "municipality_ids": sorted(m.pk for m in offer.municipalities.all()),
        "category_ids": sorted({t.pk for t in terms} | {t.parent_id for t in terms if t.parent_id}),
        "target_group_ids": sorted(g.pk for g in offer.target_groups.all()),
        "language_ids": sorted(lang.pk for lang in offer.languages.all()),
        "organisation_kind": offer.organisation.kind,
    }


def stored(offer):
    return dict(
        Offer.objects.filter(pk=offer.pk)
        .values("municipality_ids", "category_ids", "target_group_ids", "language_ids", "organisation_kind")
        .get()
    )


def assert_in_step(*offers):
    for offer in offers:
        assert stored(offer) == expected(offer), offer.name


@pytest.fixture
def vocab():
    return {
        "aarhus": MunicipalityFactory(name="Aarhus", slug="aarhus", code="751"),
        "odense": MunicipalityFactory(name="Odense", slug="odense", code="461"),
        "terms": {t.code: t for t in TaxonomyTerm.objects.all()},
        "groups": {g.code: g for g in TargetGroup.objects.all()},
        "languages": {lang.code: lang for lang in Language.objects.all()},
    }


def test_arrays_follow_model_and_reverse_m2m_changes(vocab):
    terms, groups = vocab["terms"], vocab["groups"]
    offer = OfferFactory(name="Natcaféen")
    other = OfferFactory(name="Varmestuen")
    assert stored(offer)["municipality_ids"] == [] and stored(offer)["category_ids"] == []

    offer.municipalities.add(vocab["aarhus"], vocab["odense"])
    offer.categories.add(terms["herberg"], terms["psykiatri"])
    offer.target_groups.set([groups["hjemloese"]])
    offer.languages.add(vocab["languages"]["kl"])
    assert_in_step(offer)
    assert terms["bolig"].pk in stored(offer)["category_ids"]  # the main category too

    offer.municipalities.remove(vocab["odense"])
    offer.categories.clear()
    assert_in_step(offer)

    # from the other side of the links
    vocab["odense"].offers.add(offer, other)
    groups["misbrug"].offers.add(other)
    assert_in_step(offer, other)
    vocab["odense"].offers.clear()
    groups["misbrug"].offers.remove(other)
    assert_in_step(offer, other)
    assert stored(other)["municipality_ids"] == []


def test_arrays_follow_vocabulary_changes(vocab):
    terms = vocab["terms"]
    org = OrganisationFactory(name="Kirkens Korshær", kind=Organisation.Kind.VOLUNTARY)
    offer = OfferFactory(organisation=org, categories=[terms["herberg"]], municipalities=[vocab["aarhus"]])
    assert_in_step(offer)

    # a sub-category moves to another main category
    herberg = terms["herberg"]
    herberg.parent = terms["behandling"]
    herberg.save()
    assert_in_step(offer)
    assert terms["bolig"].pk not in stored(offer)["category_ids"]

    # the organisation's kind (a facet) and name (searchable) change
    org.kind = Organisation.Kind.PRIVATE
    org.name = "Korshærens Nattevagt"
    org.save()
    assert_in_step(offer)
    assert "Korshærens Nattevagt" in Offer.objects.get(pk=offer.pk).search_document

    # a deleted vocabulary entry leaves no id behind
    group = TargetGroup.objects.create(code="test", name="Testgruppe")
    offer.target_groups.add(group)
    assert stored(offer)["target_group_ids"] == [group.pk]
    group.delete()
    assert_in_step(offer)
    assert stored(offer)["target_group_ids"] == []


def edit_data(offer, **changes):
    data = {"name": offer.name, "status": offer.status, "description": offer.description, "assure": "on"}
    for prefix in ("locations", "schedules", "exceptions", "phones", "contacts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_provider_form_keeps_arrays_in_step(client, make_user, vocab):
    terms, groups = vocab["terms"], vocab["groups"]
    org = OrganisationFactory(name="Det Grønlandske Hus")
    offer = OfferFactory(name="Rådgivning", organisation=org, municipalities=[vocab["aarhus"]])
    client.force_login(make_user(organisation=org))
    data = edit_data(
        offer,
        municipalities=[vocab["odense"].pk],
        categories=[terms["familieraadgivning"].pk, terms["tolkebistand"].pk],
        target_groups=[groups["boernefamilier"].pk, groups["nytilkomne"].pk],
        languages=[vocab["languages"]["kl"].pk],
    )
    response = client.post(f"/tilbud/{offer.pk}/rediger/", data)
    assert response.status_code == 302
    assert_in_step(offer)
    assert stored(offer)["municipality_ids"] == [vocab["odense"].pk]
    document = Offer.objects.get(pk=offer.pk).search_document
    assert "Familierådgivning" in document and "Odense" in document and "Aarhus" not in document
    # the directory finds it under the new values only
    found = client.get("/tilbud/", {"municipality": "odense", "target_group": "nytilkomne"})
    assert [o.name for o in found.context["page"]] == ["Rådgivning"]
    assert not list(client.get("/tilbud/", {"municipality": "aarhus"}).context["page"])


def test_admin_form_keeps_arrays_in_step(client, make_user, vocab):
    terms, groups = vocab["terms"], vocab["groups"]
    client.force_login(make_user(is_staff=True, is_superuser=True))
    org = OrganisationFactory(kind=Organisation.Kind.MUNICIPAL)
    offer = OfferFactory(name="Bostøtten", organisation=org, categories=[terms["botilbud"]])
    data = {
        "organisation": org.pk, "name": "Bostøtten", "status": "active", "description": "",
        "categories": [terms["bostoette"].pk], "target_groups": [groups["psykisk-saarbare"].pk],
        "municipalities": [vocab["aarhus"].pk, vocab["odense"].pk],
        "languages": [vocab["languages"]["da"].pk], "free": "on",
    }  # fmt: skip
    for prefix in ("locations", "phones", "contacts", "schedules", "schedule_exceptions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/tilbud/offer/{offer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert_in_step(offer)
    assert stored(offer)["target_group_ids"] == [groups["psykisk-saarbare"].pk]


def test_csv_import_keeps_arrays_in_step(vocab):
    offer = OfferFactory(name="Værestedet", municipalities=[vocab["aarhus"]])
    exported = csv_io.export_csv(Offer.objects.filter(pk=offer.pk)).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
    rows[0].update(municipalities="odense", categories="vaeresteder|herberg", target_groups="unge")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    result = csv_io.import_csv(out.getvalue())
    assert result.ok, result
    assert_in_step(offer)
    assert stored(offer)["municipality_ids"] == [vocab["odense"].pk]
    assert vocab["terms"]["faellesskab"].pk in stored(offer)["category_ids"]


def test_set_based_refresh_matches_and_indexes_words(vocab):
    terms = vocab["terms"]
    org = OrganisationFactory(name="Frelsens Hær")
    offers = bulk_offers(
        12,
        organisation=org,
        municipalities=[vocab["aarhus"]],
        categories=[terms["herberg"]],
        name="Natherberg",
    )
    assert_in_step(*offers)
    document = Offer.objects.get(pk=offers[0].pk).search_document
    assert document == f"{offers[0].name} Frelsens Hær Herberg og natvarmestue Bolig og ophold Aarhus"
    assert SearchWord.objects.filter(word="natherberg").exists()
    # a second refresh changes nothing (and writes no row)
    with CaptureQueriesContext(connection) as ctx:
        refresh_offers(Offer.objects.all())
    assert len(ctx.captured_queries) <= 2
    assert_in_step(*offers)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/tilbud/?q=herberg",
        "/tilbud/?q=herbeg&municipality=aarhus&free=true",
        "/tilbud/?q=herberg&page=2",
        "/api/hsds/services?per_page=50",
        "/api/hsds/services?per_page=50&search=herberg",
    ],
)
def test_query_count_constant_from_5_to_40_offers(client, vocab, url):
    terms, groups = vocab["terms"], vocab["groups"]
    org = OrganisationFactory(municipality=vocab["aarhus"])

    def add(n, name):
        offers = bulk_offers(
            n, organisation=org, municipalities=[vocab["aarhus"]], categories=[terms["herberg"]],
            target_groups=[groups["hjemloese"]], name=name,
        )  # fmt: skip
        for offer in offers[:2]:
            every_day(offer)
        return offers

    add(5, "Herberg A")
    small = _queries(client, url)
    add(35, "Herberg B")
    assert _queries(client, url) == small


@pytest.mark.parametrize(
    ("page", "expected"),
    [("2", 2), ("3", 3), ("4", 3), ("0", 3), ("-1", 3), ("2.0", 1), ("abc", 1), ("", 1), ("9" * 25, 3)],
)
def test_page_numbers_as_djangos_paginator(client, vocab, page, expected):
    bulk_offers(45, organisation=OrganisationFactory(), municipalities=[vocab["aarhus"]], name="Side")
    response = client.get("/tilbud/", {"q": "side", "page": page})
    assert response.status_code == 200
    assert response.context["page"].number == expected
    names = [o.name for o in response.context["page"]]
    everything = sorted(Offer.objects.values_list("name", flat=True))
    assert names == everything[(expected - 1) * 20 : expected * 20]
