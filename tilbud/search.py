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
from django.db import connection, models
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Upper

from core.replica import read_connection

MAX_QUERY_LENGTH = 200
MAX_TOKENS = 8
WORD = re.compile(r"\w+", re.UNICODE)
MIN_FUZZY_LENGTH = 4
SIMILAR_WORDS = 3
MAX_WORD_LENGTH = 60  # SearchWord.word's max_length
# This module works on the tables in SQL and on querysets it is given; it imports no model (the
# models import it), so the two never form an import cycle.
OFFER_TABLE = "tilbud_offer"
WORD_TABLE = "tilbud_searchword"


def normalise(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]


def tokens(q: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in WORD.findall(q) if w.strip("_")))[:MAX_TOKENS]


def similar_words(words: list[str]) -> dict[str, list[str]]:
    """{typed word: [closest known words]} in one query on the trigram-indexed word list."""
    fuzzy = [w for w in words if len(w) >= MIN_FUZZY_LENGTH]
    if not fuzzy:
        return {}
    with read_connection().cursor() as cursor:
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


# The order of results: with a search text by relevance (annotations of ``Search.rank``), else by name.
RANKED_ORDER = ("-exact_name", "-relevance", "name", "pk")
NAME_ORDER = ("name", "pk")


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
        # Names equal to the text first, then names starting with it (case-insensitive: the stored
        # upper-case name against the upper-cased text). An equal name also starts with the text, so
        # the prefix is tested first.
        text = Upper(Value(self.q))
        return queryset.annotate(
            exact_name=Case(
                When(
                    name_upper__startswith=text,
                    then=Case(When(name_upper=text, then=Value(2)), default=Value(1)),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            relevance=Cast(SearchRank(F("search_vector"), self.exact_query), FloatField()) * Value(2.0)
            + Cast(SearchRank(F("search_vector"), self.query), FloatField()),
        ).order_by(*RANKED_ORDER)


def ordered(queryset, current: Search | None):
    """``queryset`` in the order of results (ranked when there is a search text)."""
    return current.rank(queryset) if current else queryset.order_by(*NAME_ORDER)


def search(queryset, q):
    """Only the offers matching ``q`` (no ordering)."""
    return Search(q).filter(queryset)


def rank(queryset, q):
    return Search(q).rank(queryset)


# What an offer is found by and filtered on, computed from its related rows. Keep in step with the
# module docstring of tilbud.models: the document is the offer's name, its organisation's name, each
# category followed by its main category, its target groups, languages and municipalities (each
# list in name order), without empty or repeated parts.
_FRESH_SQL = """
SELECT o.id, o.name, o.description,
    COALESCE((
        SELECT string_agg(parts.part, ' ' ORDER BY parts.position)
        FROM (
            SELECT u.part, min(u.position) AS position
            FROM unnest(
                ARRAY[o.name, org.name]
                || ARRAY(
                    SELECT v.part
                    FROM tilbud_offer_categories oc
                    JOIN tilbud_taxonomyterm t ON t.id = oc.taxonomyterm_id
                    LEFT JOIN tilbud_taxonomyterm p ON p.id = t.parent_id
                    CROSS JOIN LATERAL (VALUES (1, t.name), (2, p.name)) AS v(k, part)
                    WHERE oc.offer_id = o.id
                    ORDER BY t.name, t.id, v.k
                )
                || ARRAY(
                    SELECT g.name FROM tilbud_offer_target_groups og
                    JOIN tilbud_targetgroup g ON g.id = og.targetgroup_id
                    WHERE og.offer_id = o.id ORDER BY g.name, g.id
                )
                || ARRAY(
                    SELECT l.name FROM tilbud_offer_languages ol
                    JOIN tilbud_language l ON l.id = ol.language_id
                    WHERE ol.offer_id = o.id ORDER BY l.name, l.id
                )
                || ARRAY(
                    SELECT m.name FROM tilbud_offer_municipalities om
                    JOIN samarbejde_municipality m ON m.id = om.municipality_id
                    WHERE om.offer_id = o.id ORDER BY m.name, m.id
                )
            ) WITH ORDINALITY AS u(part, position)
            WHERE u.part <> ''
            GROUP BY u.part
        ) AS parts
    ), '') AS search_document,
    ARRAY(
        SELECT om.municipality_id FROM tilbud_offer_municipalities om
        WHERE om.offer_id = o.id ORDER BY 1
    )::bigint[] AS municipality_ids,
    ARRAY(
        SELECT DISTINCT v.id
        FROM tilbud_offer_categories oc
        JOIN tilbud_taxonomyterm t ON t.id = oc.taxonomyterm_id
        CROSS JOIN LATERAL (VALUES (t.id), (t.parent_id)) AS v(id)
        WHERE oc.offer_id = o.id AND v.id IS NOT NULL ORDER BY 1
    )::uuid[] AS category_ids,
    ARRAY(
        SELECT og.targetgroup_id FROM tilbud_offer_target_groups og
        WHERE og.offer_id = o.id ORDER BY 1
    )::bigint[] AS target_group_ids,
    ARRAY(
        SELECT ol.language_id FROM tilbud_offer_languages ol
        WHERE ol.offer_id = o.id ORDER BY 1
    )::bigint[] AS language_ids,
    org.kind AS organisation_kind
FROM tilbud_offer o
JOIN samarbejde_organisation org ON org.id = o.organisation_id
WHERE o.id IN ({targets})
"""
DENORMALISED = [
    "search_document",
    "municipality_ids",
    "category_ids",
    "target_group_ids",
    "language_ids",
    "organisation_kind",
]


def refresh_offers(offers) -> dict:
    """Recompute the search document and facet id arrays of ``offers`` (a queryset of offers or
    an iterable of offer ids) in one statement, writing only rows that changed, and add the
    offers' words to the typo-tolerance word list.

    The one place that maintains these columns: signals, services, the admin, the CSV import and
    bulk loaders (benchmark data) all call it. Returns ``{offer id: {field: value}}`` of the
    denormalised fields.
    """
    if isinstance(offers, models.QuerySet):
        targets, params = offers.order_by().values("pk").query.sql_with_params()
    else:
        ids = [str(pk) for pk in offers]
        if not ids:
            return {}
        targets, params = "SELECT unnest(%s::uuid[])", (ids,)
    table = OFFER_TABLE
    assignments = ", ".join(f"{f} = fresh.{f}" for f in DENORMALISED)
    current = ", ".join(f"o.{f}" for f in DENORMALISED)
    fresh = ", ".join(f"fresh.{f}" for f in DENORMALISED)
    sql = (
        f"WITH fresh AS MATERIALIZED ({_FRESH_SQL.format(targets=targets)}), "  # noqa: S608 - constants
        f"changed AS (UPDATE {table} AS o SET {assignments} FROM fresh WHERE o.id = fresh.id "
        f"AND ({current}) IS DISTINCT FROM ({fresh}) RETURNING o.id) "
        f"SELECT fresh.id, fresh.name, fresh.description, {fresh} FROM fresh"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    index_words(*(text for row in rows for text in row[1:4]))
    return {row[0]: dict(zip(DENORMALISED, row[3:], strict=True)) for row in rows}


def index_words(*texts: str) -> None:
    """Add the words of these texts to the typo-tolerance word list (idempotent)."""
    words = {w.lower() for text in texts for w in WORD.findall(text or "") if len(w) >= MIN_FUZZY_LENGTH}
    words = sorted(w for w in words if len(w) <= MAX_WORD_LENGTH and not w.isdigit())
    if words:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {WORD_TABLE} (word) SELECT unnest(%s::varchar[]) ON CONFLICT DO NOTHING",  # noqa: S608 - constant
                [words],
            )


def rebuild_words() -> int:
    """Rebuild the word list and every offer's search data (after bulk loads that bypass signals)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WORD_TABLE}")  # noqa: S608 - constant
        cursor.execute(f"SELECT id FROM {OFFER_TABLE}")  # noqa: S608 - constant
        ids = [row[0] for row in cursor.fetchall()]
        refresh_offers(ids)
        cursor.execute(f"SELECT count(*) FROM {WORD_TABLE}")  # noqa: S608 - constant
        return cursor.fetchone()[0]
