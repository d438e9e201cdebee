"""Danish full-text search with typo tolerance over the stored ``Offer.search_vector``.

* Full text: the Danish configuration on the generated, GIN-indexed ``search_vector`` (stemming:
  "hjemløs" finds "hjemløse" and "hjemløshed"; prefixes: "misbr" finds "misbrug"). No
  ``unaccent``: it would fold æ/ø/å.
* Typos: every word of the query is also looked up in ``SearchWord`` (all words of all offers,
  GIN trigram index) with pg_trgm similarity, and the closest known words are searched too, so
  "misbrgu" finds "misbrug" and "herbeget" finds "herberget". That is one small indexed query
  per search; the offers themselves are always found through the full-text index.
* Ranking: exact name match first, then names starting with the query, then text rank (words as
  typed count double), then name.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast

MAX_QUERY_LENGTH = 200
MAX_TOKENS = 8
WORD = re.compile(r"\w+", re.UNICODE)
MIN_FUZZY_LENGTH = 4
SIMILAR_WORDS = 3


def normalise(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]


def tokens(q: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in WORD.findall(q) if w.strip("_")))[:MAX_TOKENS]


def similar_words(words: list[str]) -> dict[str, list[str]]:
    """{typed word: [closest known words]} in one query on the trigram-indexed word list."""
    fuzzy = [w for w in words if len(w) >= MIN_FUZZY_LENGTH]
    if not fuzzy:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.token, w.word
            FROM unnest(%s::text[]) AS t(token)
            CROSS JOIN LATERAL (
                SELECT word FROM tilbud_searchword
                WHERE word %% t.token AND word <> t.token
                ORDER BY similarity(word, t.token) DESC, word
                LIMIT %s
            ) AS w
            """,
            [fuzzy, SIMILAR_WORDS],
        )
        result: dict[str, list[str]] = {}
        for token, word in cursor.fetchall():
            result.setdefault(token, []).append(word)
    return result


class Search:
    """The tsqueries for one search text (built once per request, reused by filters and facets)."""

    def __init__(self, q: str):
        self.q = normalise(q)
        self.words = tokens(self.q)
        self._fuzzy = None
        self._exact = None

    def __bool__(self):
        return bool(self.words)

    def _build(self):
        if self._fuzzy is not None:
            return
        similar = similar_words(self.words)
        exact_terms, fuzzy_terms = [], []
        for word in self.words:
            exact_terms.append(f"{word}:*")
            alternatives = [f"{word}:*", *similar.get(word, [])]
            fuzzy_terms.append("(" + " | ".join(alternatives) + ")")
        self._exact = SearchQuery(" & ".join(exact_terms), config="danish", search_type="raw")
        self._fuzzy = SearchQuery(" & ".join(fuzzy_terms), config="danish", search_type="raw")

    @property
    def query(self) -> SearchQuery:
        self._build()
        return self._fuzzy

    @property
    def exact_query(self) -> SearchQuery:
        self._build()
        return self._exact

    def filter(self, queryset):
        if not self:
            return queryset
        return queryset.filter(Q(search_vector=self.query))

    def rank(self, queryset):
        if not self:
            return queryset
        return queryset.annotate(
            exact_name=Case(
                When(name__iexact=self.q, then=Value(2)),
                When(name__istartswith=self.q, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            relevance=Cast(SearchRank(F("search_vector"), self.exact_query), FloatField()) * Value(2.0)
            + Cast(SearchRank(F("search_vector"), self.query), FloatField()),
        ).order_by("-exact_name", "-relevance", "name", "pk")


def search(queryset, q):
    """Only the offers matching ``q`` (no ordering)."""
    return Search(q).filter(queryset)


def rank(queryset, q):
    return Search(q).rank(queryset)


def index_words(*texts: str) -> None:
    """Add the words of these texts to the typo-tolerance word list (idempotent)."""
    from tilbud.models import SearchWord

    words = {w.lower() for text in texts for w in WORD.findall(text or "") if len(w) >= MIN_FUZZY_LENGTH}
    words = {w for w in words if len(w) <= SearchWord._meta.get_field("word").max_length and not w.isdigit()}
    if words:
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


def rebuild_words() -> int:
    """Rebuild the word list from every offer (after bulk loads that bypass signals)."""
    from tilbud.models import Offer, SearchWord

    SearchWord.objects.all().delete()
    for name, description, document in Offer.objects.values_list(
        "name", "description", "search_document"
    ).iterator(chunk_size=2000):
        index_words(name, description, document)
    return SearchWord.objects.count()
