"""The directory's filters (django-filter) and the facet counts shown beside the results."""

from functools import partial

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.replica import read_connection
from samarbejde.models import Municipality, Organisation
from tilbud import search
from tilbud.answers import answer
from tilbud.models import Language, Offer, TargetGroup, open_condition

ACCESS_CHOICES = [
    ("walk_in", _("Kom uden aftale")),
    ("referral", _("Kræver henvisning")),
]

KINDS = [kind for kind in Organisation.Kind.values if kind.isalpha()]  # constants: safe in SQL text
FACET_FIELDS = ["municipality", "category", "target_group", "kind", "language", "access"]
FLAG_FIELDS = ["free", "greenlandic", "interpreter", "anonymous", "open_now", "vacant"]


def _linked(field, model, **lookups):
    """The offer is linked to the vocabulary row matching ``lookups`` (an indexed array overlap)."""
    return Q(**{f"{field}__overlap": ArraySubquery(model.objects.filter(**lookups).values("pk"))})


def _age(value):
    age = int(value)
    return (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


# One predicate per filter (no joins that could repeat rows): used for filtering and for facets.
# The links to municipalities, categories, target groups and languages are read from the offer's
# own id arrays (``category_ids`` holds each category and its main category, so a main category
# also finds the offers of its sub-categories).
PREDICATES = {
    "municipality": lambda v, now: _linked("municipality_ids", Municipality, slug=v),
    "category": lambda v, now: Q(category_ids__contains=[v]),
    "target_group": lambda v, now: _linked("target_group_ids", TargetGroup, code=v),
    "language": lambda v, now: _linked("language_ids", Language, code=v),
    "kind": lambda v, now: Q(organisation_kind=v),
    "access": lambda v, now: Q(walk_in=True) if v == "walk_in" else Q(referral_required=True),
    "free": lambda v, now: Q(free=True),
    "greenlandic": lambda v, now: Q(greenlandic_speaking_staff=True),
    "interpreter": lambda v, now: Q(interpreter_available=True),
    "anonymous": lambda v, now: Q(anonymous_allowed=True),
    "open_now": lambda v, now: open_condition(now),
    "vacant": lambda v, now: Q(capacity_available__gt=0),
    "age": lambda v, now: _age(v),
}


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"))
    municipality = django_filters.CharFilter(method="filter_predicate", label=_("Kommune"))
    category = django_filters.UUIDFilter(method="filter_predicate", label=_("Kategori"))
    target_group = django_filters.CharFilter(method="filter_predicate", label=_("Målgruppe"))
    kind = django_filters.ChoiceFilter(
        method="filter_predicate", choices=Organisation.Kind.choices, label=_("Type aktør")
    )
    language = django_filters.CharFilter(method="filter_predicate", label=_("Sprog"))
    access = django_filters.ChoiceFilter(choices=ACCESS_CHOICES, method="filter_predicate", label=_("Adgang"))
    free = django_filters.BooleanFilter(method="filter_predicate", label=_("Gratis"))
    greenlandic = django_filters.BooleanFilter(
        method="filter_predicate", label=_("Grønlandsktalende personale")
    )
    interpreter = django_filters.BooleanFilter(method="filter_predicate", label=_("Tolk kan bestilles"))
    anonymous = django_filters.BooleanFilter(method="filter_predicate", label=_("Anonymt"))
    open_now = django_filters.BooleanFilter(method="filter_predicate", label=_("Åbent nu"))
    vacant = django_filters.BooleanFilter(method="filter_predicate", label=_("Ledige pladser"))
    age = django_filters.NumberFilter(
        method="filter_predicate", label=_("Alder"), min_value=0, max_value=130, widget=forms.NumberInput
    )

    class Meta:
        model = Offer
        fields = []

    def __init__(self, *args, now=None, search_cache=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.search_cache = {} if search_cache is None else search_cache

    def get_search(self, value) -> search.Search:
        if value not in self.search_cache:
            self.search_cache[value] = search.Search(value)
        return self.search_cache[value]

    def filter_q(self, queryset, name, value):
        return self.get_search(value).filter(queryset)

    def filter_predicate(self, queryset, name, value):
        if value in (None, "", False):
            return queryset
        return queryset.filter(PREDICATES[name](value, self.now))

    def active_predicates(self) -> dict:
        """{filter name: Q} for every filter in use (after validation)."""
        self.errors  # noqa: B018 - validates the form
        data = getattr(self.form, "cleaned_data", {})
        return {
            name: predicate(data[name], self.now)
            for name, predicate in PREDICATES.items()
            if data.get(name) not in (None, "", False)
        }

    @property
    def search_query(self):
        if self.is_bound and self.form.is_valid():
            return search.normalise(self.form.cleaned_data.get("q"))
        return ""

    @property
    def current_search(self) -> search.Search | None:
        q = self.form.cleaned_data.get("q") if self.is_bound and self.form.is_valid() else ""
        return self.get_search(q) if q else None


def _choice(value, label, count, current):
    return {"value": str(value), "label": label, "count": count, "selected": str(value) == (current or "")}


FLAG_COLUMNS = {
    "free": "free",
    "greenlandic": "greenlandic_speaking_staff",
    "interpreter": "interpreter_available",
    "anonymous": "anonymous_allowed",
    "open_now": "is_open",
    "vacant": "has_vacancy",
}


ARRAY_FACETS = [
    # (facet, id array column, vocabulary table, the value shown in URLs, parent and name order)
    ("municipality", "municipality_ids", "samarbejde_municipality", "v.slug", "NULL::text, NULL::bigint"),
    ("target_group", "target_group_ids", "tilbud_targetgroup", "v.code", "NULL::text, NULL::bigint"),
    ("language", "language_ids", "tilbud_language", "v.code", "NULL::text, NULL::bigint"),
    (
        "category",
        "category_ids",
        "tilbud_taxonomyterm",
        "v.id::text",
        "v.parent_id::text, row_number() OVER (ORDER BY v.name, v.id)",
    ),
]


def _facet_sql(filterset, page=None):
    """One SQL statement counting every facet over the searched offers, each facet with all
    other filters applied (so a count is what choosing that value would give), and, with ``page``
    = (offset, size), selecting the ids of that page of results from the same single pass over
    the offers.

    Rows: (facet, value, label, count, parent id, position). The links are counted by unnesting
    the offers' id arrays (no joins over link tables); each facet's vocabulary is joined only to
    its counted ids, for the labels (and, for categories, the parent and name order)."""
    current = filterset.current_search
    base = filterset.queryset
    if current:
        base = current.filter(base)
    predicates = filterset.active_predicates()
    columns = {
        f"p_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in predicates.items()
    }
    base = base.annotate(
        is_open=ExpressionWrapper(open_condition(filterset.now), output_field=BooleanField()),
        has_vacancy=ExpressionWrapper(Q(capacity_available__gt=0), output_field=BooleanField()),
        **columns,
    )
    order = search.RANKED_ORDER if current else search.NAME_ORDER
    # The sort keys of the results (the ranking's annotations and the name); the primary key is "id".
    keys = [key.lstrip("-") for key in order if key.lstrip("-") != "pk"] if page else []
    base = search.ordered(base, current).order_by() if page else base.order_by()
    arrays = [column for _facet, column, *_rest in ARRAY_FACETS]
    fields = ["id", "organisation_kind", "walk_in", "referral_required", *FLAG_COLUMNS.values(), *arrays]
    inner, params = base.values(*fields, *columns, *keys).query.sql_with_params()

    # Only constant identifiers and the filter names of PREDICATES go into the SQL text; every
    # value the user typed is a query parameter of ``inner``.
    def where(*excluded):
        conditions = [f'b."p_{name}"' for name in predicates if name not in excluded]
        return " AND ".join(conditions) or "TRUE"

    # Many offers share the same set of ids: count each distinct set once, then its members.
    parts = [
        f"SELECT '{facet}' AS facet, {value}::text AS value, v.name::text AS label, c.n, {extra} "  # noqa: S608
        f"FROM (SELECT u.x, SUM(u.n)::bigint AS n FROM (SELECT unnest(g.ids) AS x, g.n FROM "
        f"(SELECT b.{column} AS ids, COUNT(*) AS n FROM base b WHERE {where(facet)} GROUP BY b.{column}) AS g"
        f") AS u GROUP BY u.x) AS c JOIN {table} v ON v.id = c.x"
        for facet, column, table, value, extra in ARRAY_FACETS
    ]
    # Every other count in one pass over the offers, one row each.
    counts = [
        *[("kind", kind, f"b.organisation_kind = '{kind}'", where("kind")) for kind in KINDS],
        ("access", "walk_in", "b.walk_in", where("access")),
        ("access", "referral", "b.referral_required", where("access")),
        ("flag", "total", "TRUE", where()),
        *[("flag", name, f'b."{column}"', where()) for name, column in FLAG_COLUMNS.items()],
    ]
    aggregates = ", ".join(
        f"COUNT(*) FILTER (WHERE {test} AND {rest}) AS n{i}" for i, (_f, _v, test, rest) in enumerate(counts)
    )
    values = ", ".join(f"('{facet}', '{value}', s.n{i})" for i, (facet, value, _t, _r) in enumerate(counts))
    parts.append(
        f"SELECT f.facet, f.value, NULL, f.n, NULL, NULL FROM (SELECT {aggregates} FROM base b) s "  # noqa: S608
        f"CROSS JOIN LATERAL (VALUES {values}) AS f(facet, value, n)"
    )
    if page:
        # The page: the top of the results (a top-N sort), numbered in order.
        def order_by(alias):
            return ", ".join(
                f'{alias}."{"id" if key.lstrip("-") == "pk" else key.lstrip("-")}"'
                + (" DESC" if key[0] == "-" else "")
                for key in order
            )

        sort_keys = ", ".join(f'b."{key}"' for key in keys)
        parts.append(
            f"SELECT 'page', p.id::text, NULL, NULL, NULL, row_number() OVER (ORDER BY {order_by('p')}) "  # noqa: S608
            f"FROM (SELECT b.id, {sort_keys} FROM base b WHERE {where()} "
            f"ORDER BY {order_by('b')} LIMIT %s OFFSET %s) AS p"
        )
        offset, size = page
        params = (*params, size, offset)
    sql = f"WITH base AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facets(filterset, page=None, *, signed_in: bool | None = None):
    """Each facet's values with the number of offers that choosing it would give.

    One query whatever the data: a single statement for all counts and the labels. With ``page``
    = (offset, size) it also selects that page of results: ``result["page_ids"]``, the ids of the
    offers on it in order. With ``signed_in`` (the filterset's queryset is then the directory as
    that audience sees it) the statement's rows are a cached answer (``tilbud/answers.py``).
    """
    data = filterset.data
    if signed_in is None:
        rows = _facet_sql(filterset, page)
    else:
        question = ("facets", tuple(sorted((k, tuple(v)) for k, v in data.lists() if k != "page")), page)
        rows = answer(
            question, partial(_facet_sql, filterset, page), signed_in=signed_in, moment=filterset.now
        )
    counts: dict[str, list] = {}
    for facet, value, label, n, parent, position in rows:
        counts.setdefault(facet, []).append((value, label, n, parent, position))
    result = {"page_ids": [row[0] for row in sorted(counts.get("page", []), key=lambda row: row[4])]}

    for facet in ("municipality", "target_group", "language"):
        rows = sorted(counts.get(facet, []), key=lambda row: row[1])
        result[facet] = [_choice(value, label, n, data.get(facet)) for value, label, n, _p, _o in rows if n]

    # Main categories in name order, each with its sub-categories in name order. A main category's
    # count is the offers in it or in any of its sub-categories (each offer once).
    terms = sorted(counts.get("category", []), key=lambda row: row[4])
    categories = []
    current = data.get("category")
    for root, label, count, _parent, _position in (t for t in terms if t[3] is None):
        children = [_choice(value, name, n, current) for value, name, n, up, _o in terms if up == root]
        categories.append({**_choice(root, label, count, current), "children": children})
    result["category"] = categories

    kind_counts = {value: n for value, _label, n, _p, _o in counts.get("kind", [])}
    result["kind"] = [
        _choice(value, label, kind_counts[value], data.get("kind"))
        for value, label in Organisation.Kind.choices
        if kind_counts.get(value)
    ]
    access = {value: n for value, _label, n, _p, _o in counts.get("access", [])}
    result["access"] = [
        _choice(value, label, access[value], data.get("access"))
        for value, label in ACCESS_CHOICES
        if access[value]
    ]
    flags = {value: n for value, _label, n, _p, _o in counts.get("flag", [])}
    result["total"] = flags.pop("total")
    result["flags"] = [
        {
            "name": name,
            "label": filterset.filters[name].label,
            "count": flags[name],
            "checked": bool(data.get(name)),
        }
        for name in FLAG_FIELDS
    ]
    result["selected"] = {
        name: any(c["selected"] for c in result[name])
        for name in ("municipality", "target_group", "access", "kind", "language")
    }
    return result
