"""The directory's filters (django-filter) and the facet counts shown beside the results."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarbejde.models import Organisation
from tilbud import search
from tilbud.models import Offer, TaxonomyTerm, open_condition

ACCESS_CHOICES = [
    ("walk_in", _("Kom uden aftale")),
    ("referral", _("Kræver henvisning")),
]

FACET_FIELDS = ["municipality", "category", "target_group", "kind", "language", "access"]
FLAG_FIELDS = ["free", "greenlandic", "interpreter", "anonymous", "open_now"]


def _linked(field, **lookups):
    through = getattr(Offer, field).through
    return Exists(through.objects.filter(offer_id=OuterRef("pk"), **lookups))


def _category(value):
    through = Offer.categories.through
    return Exists(
        through.objects.filter(offer_id=OuterRef("pk")).filter(
            Q(taxonomyterm_id=value) | Q(taxonomyterm__parent_id=value)
        )
    )


def _age(value):
    age = int(value)
    return (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


# One predicate per filter (no joins that could repeat rows): used for filtering and for facets.
PREDICATES = {
    "municipality": lambda v, now: Q(_linked("municipalities", municipality__slug=v)),
    "category": lambda v, now: Q(_category(v)),
    "target_group": lambda v, now: Q(_linked("target_groups", targetgroup__code=v)),
    "language": lambda v, now: Q(_linked("languages", language__code=v)),
    "kind": lambda v, now: Q(organisation__kind=v),
    "access": lambda v, now: Q(walk_in=True) if v == "walk_in" else Q(referral_required=True),
    "free": lambda v, now: Q(free=True),
    "greenlandic": lambda v, now: Q(greenlandic_speaking_staff=True),
    "interpreter": lambda v, now: Q(interpreter_available=True),
    "anonymous": lambda v, now: Q(anonymous_allowed=True),
    "open_now": lambda v, now: open_condition(now),
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
}


def _facet_sql(filterset):
    """One SQL statement counting every facet over the searched offers, each facet with all
    other filters applied (so a count is what choosing that value would give)."""
    base = filterset.queryset
    if filterset.current_search:
        base = filterset.current_search.filter(base)
    predicates = filterset.active_predicates()
    columns = {
        f"p_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in predicates.items()
    }
    base = base.annotate(
        kind=F("organisation__kind"),
        is_open=ExpressionWrapper(open_condition(filterset.now), output_field=BooleanField()),
        **columns,
    ).order_by()
    inner, params = base.values(
        "id", "kind", "walk_in", "referral_required", *FLAG_COLUMNS.values(), *columns
    ).query.sql_with_params()

    # Only constant identifiers and the filter names of PREDICATES go into the SQL text; every
    # value the user typed is a query parameter of ``inner``.
    def where(*excluded):
        conditions = [f'b."p_{name}"' for name in predicates if name not in excluded]
        return " AND ".join(conditions) or "TRUE"

    def linked(facet, table, column, vocabulary, key):
        return (
            f"SELECT '{facet}' AS facet, v.{key}::text AS value, v.name AS label, COUNT(*) AS n "  # noqa: S608
            f"FROM base b JOIN {table} t ON t.offer_id = b.id JOIN {vocabulary} v ON v.id = t.{column} "
            f"WHERE {where(facet)} GROUP BY v.{key}, v.name"
        )

    categories = (
        "FROM base b JOIN tilbud_offer_categories t ON t.offer_id = b.id "
        "JOIN tilbud_taxonomyterm tt ON tt.id = t.taxonomyterm_id "
        f"WHERE {where('category')}"
    )
    parts = [
        linked(
            "municipality",
            "tilbud_offer_municipalities",
            "municipality_id",
            "samarbejde_municipality",
            "slug",
        ),
        linked("target_group", "tilbud_offer_target_groups", "targetgroup_id", "tilbud_targetgroup", "code"),
        linked("language", "tilbud_offer_languages", "language_id", "tilbud_language", "code"),
        f"SELECT 'term', tt.id::text, NULL, COUNT(*) {categories} GROUP BY tt.id",  # noqa: S608
        "SELECT 'root', COALESCE(tt.parent_id, tt.id)::text, NULL, COUNT(DISTINCT b.id) "  # noqa: S608
        f"{categories} GROUP BY COALESCE(tt.parent_id, tt.id)",
        f"SELECT 'kind', b.kind, NULL, COUNT(*) FROM base b WHERE {where('kind')} GROUP BY b.kind",  # noqa: S608
    ]
    conditions = [
        ("access", "walk_in", "b.walk_in", where("access")),
        ("access", "referral", "b.referral_required", where("access")),
        ("flag", "total", "TRUE", where()),
        *[("flag", name, f'b."{column}"', where()) for name, column in FLAG_COLUMNS.items()],
    ]
    parts += [
        f"SELECT '{facet}', '{value}', NULL, COUNT(*) FROM base b WHERE {test} AND {rest}"  # noqa: S608
        for facet, value, test, rest in conditions
    ]
    sql = f"WITH base AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facets(filterset):
    """Each facet's values with the number of offers that choosing it would give.

    Two queries whatever the data: one statement for all counts, one for the category names.
    """
    data = filterset.data
    counts: dict[str, list] = {}
    for facet, value, label, n in _facet_sql(filterset):
        counts.setdefault(facet, []).append((value, label, n))

    result = {}
    for facet in ("municipality", "target_group", "language"):
        rows = sorted(counts.get(facet, []), key=lambda row: row[1])
        result[facet] = [_choice(value, label, n, data.get(facet)) for value, label, n in rows if n]

    term_counts = {value: n for value, _label, n in counts.get("term", [])}
    root_counts = {value: n for value, _label, n in counts.get("root", [])}
    terms = list(TaxonomyTerm.objects.only("id", "name", "parent_id").order_by("name"))
    categories = []
    for root in (t for t in terms if t.parent_id is None):
        count = root_counts.get(str(root.pk), 0)
        if not count:
            continue
        children = [
            _choice(t.pk, t.name, term_counts[str(t.pk)], data.get("category"))
            for t in terms
            if t.parent_id == root.pk and term_counts.get(str(t.pk))
        ]
        categories.append({**_choice(root.pk, root.name, count, data.get("category")), "children": children})
    result["category"] = categories

    kind_counts = {value: n for value, _label, n in counts.get("kind", [])}
    result["kind"] = [
        _choice(value, label, kind_counts[value], data.get("kind"))
        for value, label in Organisation.Kind.choices
        if kind_counts.get(value)
    ]
    access = {value: n for value, _label, n in counts.get("access", [])}
    result["access"] = [
        _choice(value, label, access[value], data.get("access"))
        for value, label in ACCESS_CHOICES
        if access[value]
    ]
    flags = {value: n for value, _label, n in counts.get("flag", [])}
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
