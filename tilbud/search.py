"""Danish full-text search with typo tolerance over the stored ``Offer.search_vector``.

* Full text: ``websearch_to_tsquery('danish', q)`` against the generated, GIN-indexed
  ``search_vector`` (Danish stemming: "hjemløs" finds "hjemløse" and "hjemløshed"). No
  ``unaccent``: it would fold æ/ø/å.
* Typos: pg_trgm word similarity (``q <% search_document``, GIN trigram index), so "misbrgu"
  still finds "misbrug".
* Ranking: exact name match first, then names starting with the query, then text rank plus
  trigram similarity, then name.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast

MAX_QUERY_LENGTH = 200


def normalise(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]


def _tsquery(q):
    return SearchQuery(q, config="danish", search_type="websearch")


def search_filter(q: str) -> Q:
    return Q(search_vector=_tsquery(q)) | Q(search_document__trigram_word_similar=q)


def search(queryset, q):
    """Only the offers matching ``q`` (no ordering)."""
    q = normalise(q)
    if not q:
        return queryset
    return queryset.filter(search_filter(q))


def rank(queryset, q):
    """Order by relevance for ``q``; the queryset should already be filtered by ``search``."""
    q = normalise(q)
    if not q:
        return queryset
    return queryset.annotate(
        exact_name=Case(
            When(name__iexact=q, then=Value(2)),
            When(name__istartswith=q, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        relevance=Cast(SearchRank(F("search_vector"), _tsquery(q)), FloatField())
        + TrigramWordSimilarity(q, "search_document") * Value(0.5),
    ).order_by("-exact_name", "-relevance", "name")
