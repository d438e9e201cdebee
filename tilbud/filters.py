"""The directory's filters (django-filter) and the facet counts shown beside the results."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from samarbejde.models import Organisation
from tilbud import search
from tilbud.models import Offer, TaxonomyTerm, category_root_counts, open_condition

ACCESS_CHOICES = [
    ("walk_in", _("Kom uden aftale")),
    ("referral", _("Kræver henvisning")),
]

FIELD_PARAM = {"municipalities": "municipality", "target_groups": "target_group", "languages": "language"}
FACET_FIELDS = ["municipality", "category", "target_group", "kind", "language", "access"]
FLAG_FIELDS = ["free", "greenlandic", "interpreter", "anonymous", "open_now"]


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"))
    municipality = django_filters.CharFilter(method="filter_municipality", label=_("Kommune"))
    category = django_filters.UUIDFilter(method="filter_category", label=_("Kategori"))
    target_group = django_filters.CharFilter(method="filter_target_group", label=_("Målgruppe"))
    kind = django_filters.ChoiceFilter(
        field_name="organisation__kind", choices=Organisation.Kind.choices, label=_("Type aktør")
    )
    language = django_filters.CharFilter(method="filter_language", label=_("Sprog"))
    access = django_filters.ChoiceFilter(choices=ACCESS_CHOICES, method="filter_access", label=_("Adgang"))
    free = django_filters.BooleanFilter(method="filter_flag", label=_("Gratis"))
    greenlandic = django_filters.BooleanFilter(method="filter_flag", label=_("Grønlandsktalende personale"))
    interpreter = django_filters.BooleanFilter(method="filter_flag", label=_("Tolk kan bestilles"))
    anonymous = django_filters.BooleanFilter(method="filter_flag", label=_("Anonymt"))
    open_now = django_filters.BooleanFilter(method="filter_open_now", label=_("Åbent nu"))
    age = django_filters.NumberFilter(
        method="filter_age", label=_("Alder"), min_value=0, max_value=130, widget=forms.NumberInput
    )

    FLAG_MODEL_FIELDS = {
        "free": "free",
        "greenlandic": "greenlandic_speaking_staff",
        "interpreter": "interpreter_available",
        "anonymous": "anonymous_allowed",
    }

    class Meta:
        model = Offer
        fields = []

    def __init__(self, *args, now=None, search_cache=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.search_cache = {} if search_cache is None else search_cache

    def get_search(self, value) -> search.Search:
        if value not in self.search_cache:
            self.search_cache[value] = search.Search(value)
        return self.search_cache[value]

    def filter_q(self, queryset, name, value):
        return self.get_search(value).filter(queryset)

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(municipalities__slug=value)

    def filter_category(self, queryset, name, value):
        links = Offer.categories.through.objects.filter(offer_id=OuterRef("pk"))
        return queryset.filter(
            Exists(links.filter(Q(taxonomyterm_id=value) | Q(taxonomyterm__parent_id=value)))
        )

    def filter_target_group(self, queryset, name, value):
        return queryset.filter(target_groups__code=value)

    def filter_language(self, queryset, name, value):
        return queryset.filter(languages__code=value)

    def filter_access(self, queryset, name, value):
        return (
            queryset.filter(walk_in=True) if value == "walk_in" else queryset.filter(referral_required=True)
        )

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{self.FLAG_MODEL_FIELDS[name]: True}) if value else queryset

    def filter_open_now(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(open_condition(self.now)) if self.now else queryset.open_now()

    def filter_age(self, queryset, name, value):
        age = int(value)
        return queryset.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )

    @property
    def search_query(self):
        if self.is_bound and self.form.is_valid():
            return search.normalise(self.form.cleaned_data.get("q"))
        return ""

    @property
    def current_search(self) -> search.Search | None:
        q = self.form.cleaned_data.get("q") if self.is_bound and self.form.is_valid() else ""
        return self.get_search(q) if q else None

    def without(self, field):
        """The same filtering without one field (for that field's facet counts)."""
        data = self.data.copy()
        data.pop(field, None)
        return type(self)(
            data, queryset=self.queryset, request=self.request, now=self.now, search_cache=self.search_cache
        ).qs


def _choice(value, label, count, current):
    return {"value": str(value), "label": label, "count": count, "selected": str(value) == (current or "")}


def facets(filterset):
    """Each facet's values with the number of offers that choosing it would give.

    A fixed number of queries whatever the data: one per facet (two for categories), one for
    the yes/no filters.
    """
    data = filterset.data
    offers = filterset.qs

    def through_counts(field, column, related):
        through = getattr(Offer, field).through
        rows = (
            through.objects.filter(offer_id__in=filterset.without(FIELD_PARAM[field]).order_by().values("pk"))
            .values(f"{related}__{column}", f"{related}__name")
            .annotate(n=Count("*"))
            .order_by(f"{related}__name")
        )
        return [(row[f"{related}__{column}"], row[f"{related}__name"], row["n"]) for row in rows]

    result = {}
    result["municipality"] = [
        _choice(value, label, n, data.get("municipality"))
        for value, label, n in through_counts("municipalities", "slug", "municipality")
    ]

    without_category = filterset.without("category")
    root_counts = category_root_counts(without_category)
    term_counts = dict(
        Offer.categories.through.objects.filter(offer_id__in=without_category.order_by().values("pk"))
        .values_list("taxonomyterm_id")
        .annotate(n=Count("*"))
    )
    terms = list(TaxonomyTerm.objects.only("id", "name", "parent_id").order_by("name"))
    for term in terms:
        term.n = term_counts.get(term.pk, 0)
    categories = []
    for root in (t for t in terms if t.parent_id is None):
        count = root_counts.get(root.pk, 0)
        if not count:
            continue
        children = [
            _choice(t.pk, t.name, t.n, data.get("category")) for t in terms if t.parent_id == root.pk and t.n
        ]
        categories.append({**_choice(root.pk, root.name, count, data.get("category")), "children": children})
    result["category"] = categories

    result["target_group"] = [
        _choice(value, label, n, data.get("target_group"))
        for value, label, n in through_counts("target_groups", "code", "targetgroup")
    ]
    result["language"] = [
        _choice(value, label, n, data.get("language"))
        for value, label, n in through_counts("languages", "code", "language")
    ]

    kind_counts = dict(
        filterset.without("kind").order_by().values_list("organisation__kind").annotate(n=Count("pk"))
    )
    result["kind"] = [
        _choice(value, label, kind_counts[value], data.get("kind"))
        for value, label in Organisation.Kind.choices
        if kind_counts.get(value)
    ]

    access = (
        filterset.without("access")
        .order_by()
        .aggregate(
            walk_in=Count("pk", filter=Q(walk_in=True)),
            referral=Count("pk", filter=Q(referral_required=True)),
        )
    )
    result["access"] = [
        _choice(value, label, access[value], data.get("access"))
        for value, label in ACCESS_CHOICES
        if access[value]
    ]

    now_condition = open_condition(filterset.now) if filterset.now else None
    if now_condition is None:
        from django.utils import timezone

        now_condition = open_condition(timezone.now())
    flags = offers.order_by().aggregate(
        total=Count("pk"),
        free=Count("pk", filter=Q(free=True)),
        greenlandic=Count("pk", filter=Q(greenlandic_speaking_staff=True)),
        interpreter=Count("pk", filter=Q(interpreter_available=True)),
        anonymous=Count("pk", filter=Q(anonymous_allowed=True)),
        open_now=Count("pk", filter=now_condition),
    )
    result["total"] = flags.pop("total")
    result["selected"] = {
        name: any(c["selected"] for c in result[name])
        for name in ("municipality", "target_group", "access", "kind", "language")
    }
    result["flags"] = [
        {
            "name": name,
            "label": filterset.filters[name].label,
            "count": flags[name],
            "checked": bool(data.get(name)),
        }
        for name in FLAG_FIELDS
    ]
    return result
