"""Danish full-text search: stemming, typos, ranking, æ/ø/å kept, stored vector and GIN indexes."""

import pytest
from django.db import connection

from tests.tilbud_factories import OfferFactory, OrganisationFactory
from tilbud.models import Offer, TargetGroup, TaxonomyTerm

pytestmark = pytest.mark.django_db


def names(client, q, **params):
    response = client.get("/tilbud/", {"q": q, **params})
    assert response.status_code == 200
    return [offer.name for offer in response.context["page"]]


@pytest.fixture
def offers():
    return {
        "herberg": OfferFactory(
            name="Herberget Vestergade", description="Overnatning og mad for hjemløse mænd og kvinder."
        ),
        "hjemloeshed": OfferFactory(
            name="Projekt Udvej", description="Vi forebygger hjemløshed gennem bostøtte."
        ),
        "misbrug": OfferFactory(
            name="Misbrugscentret", description="Ambulant behandling for misbrug af alkohol og hash."
        ),
        "family": OfferFactory(name="Familierådgivningen", description="Samtaler for børnefamilier."),
        "tolk": OfferFactory(name="Tolkeservice", description="Grønlandsk tolkning til møder."),
    }


def test_stemming_finds_inflected_forms(client, offers):
    found = names(client, "hjemløs")
    assert "Herberget Vestergade" in found  # hjemløse
    assert "Projekt Udvej" in found  # hjemløshed
    assert "Tolkeservice" not in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("misbrgu", "Misbrugscentret"),
        ("herberg", "Herberget Vestergade"),
        ("familierådgivnig", "Familierådgivningen"),
        ("tolkeservce", "Tolkeservice"),
    ],
)
def test_typos_still_find(client, offers, query, expected):
    found = names(client, query)
    assert found and found[0] == expected


def test_typo_in_name_finds_offer(client, offers):
    assert names(client, "Tolkeservise")[0] == "Tolkeservice"


def test_exact_name_match_ranks_first(client):
    OfferFactory(name="Misbrug", description="Kort navn.")
    for i in range(3):
        OfferFactory(
            name=f"Rådgivning {i}",
            description="Misbrug misbrug misbrug: behandling af misbrug, misbrugere og deres misbrug.",
        )
    assert names(client, "misbrug")[0] == "Misbrug"
    assert names(client, "MISBRUG")[0] == "Misbrug"


def test_searches_organisation_categories_and_target_groups(client):
    org = OrganisationFactory(name="Kirkens Natcafé")
    by_org = OfferFactory(name="Aftenåbent", organisation=org)
    by_category = OfferFactory(name="Krisecentret")
    by_category.categories.set([TaxonomyTerm.objects.get(code="krisecenter")])
    by_category.refresh_from_db()
    by_group = OfferFactory(name="Åbent hus")
    by_group.target_groups.set([TargetGroup.objects.get(code="boernefamilier")])
    assert names(client, "natcafé") == ["Aftenåbent"]
    assert names(client, "krisecenter") == ["Krisecentret"]
    assert names(client, "børnefamilier") == ["Åbent hus"]
    # renaming the organisation updates the stored search text
    org.name = "Stjernehuset"
    org.save()
    assert names(client, "stjernehuset") == ["Aftenåbent"]
    assert by_org.pk


def test_danish_letters_are_not_folded(client):
    OfferFactory(name="Gadeteamet", description="Vi møder hjemløse på gaden.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM tilbud_offer WHERE name = 'Gadeteamet'")
        vector = cursor.fetchone()[0]
    assert "'hjemløs'" in vector
    assert "hjemlos" not in vector
    assert names(client, "hjemløse") == ["Gadeteamet"]


def test_vector_is_stored_generated_column_with_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated, generation_expression FROM information_schema.columns "
            "WHERE table_name = 'tilbud_offer' AND column_name = 'search_vector'"
        )
        generated, expression = cursor.fetchone()
        assert generated == "ALWAYS"
        assert "'danish'" in expression
        assert "unaccent" not in expression
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN ('tilbud_offer', 'tilbud_searchword')"
        )
        indexes = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert "USING gin (search_vector)" in indexes
    assert "USING gin (word gin_trgm_ops)" in indexes


def test_search_uses_index_not_python(client, django_assert_max_num_queries):
    OfferFactory(name="Værestedet")
    offer = Offer.objects.get(name="Værestedet")
    assert offer.search_vector  # computed by PostgreSQL on write
    with django_assert_max_num_queries(30):
        assert names(client, "værested") == ["Værestedet"]


def test_empty_and_stopword_queries_do_not_fail(client, offers):
    assert len(names(client, "")) == len(offers)
    assert client.get("/tilbud/", {"q": "og"}).status_code == 200
    assert client.get("/tilbud/", {"q": "'&|!:*()"}).status_code == 200
