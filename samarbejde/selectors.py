"""Reads for the municipality page: a fixed number of queries, whatever the municipality's size.

A big city has hundreds of actors and key contacts, so the page shows them a page at a time, and
only the first channels and offers (their own lists have the rest). The figures (actors of each
kind, channels, forums, key contacts, offers) come with the municipality itself, as counting
subqueries, and the pagers reuse them instead of counting again.
"""

from itertools import groupby
from operator import attrgetter

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Max, OuterRef, Prefetch, Value, When

from core.rows import SubqueryCount
from samarbejde import offers
from samarbejde.models import (
    Channel,
    Forum,
    ForumMeeting,
    FrameworkDocument,
    Membership,
    Municipality,
    Organisation,
    Unit,
)

ACTORS_PER_PAGE = 25
KEY_CONTACTS_PER_PAGE = 25
CHANNELS_ON_PAGE = 10
# What a channel card shows besides the channel (its municipality is the page's own).
CHANNEL_RELATIONS = [
    "organisation",
    "unit__organisation",
    "contact_person__user",
    "contact_person__organisation",
]

# The kinds in the order the page lists them.
KIND_ORDER = [Organisation.Kind.MUNICIPAL, Organisation.Kind.PRIVATE, Organisation.Kind.VOLUNTARY]
KIND_COUNT_FIELDS = {
    Organisation.Kind.MUNICIPAL: "municipal_count",
    Organisation.Kind.PRIVATE: "private_count",
    Organisation.Kind.VOLUNTARY: "voluntary_count",
}


class CountedPaginator(Paginator):
    """A paginator told its row count up front, so it does not run a COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


def _active_organisations():
    return Organisation.objects.active().filter(municipality=OuterRef("pk"))


def _key_contacts():
    return Membership.objects.filter(
        organisation__archived_at__isnull=True, is_key_contact=True, user__is_active=True
    )


def municipalities_with_overview_counts(*, key_contacts=False, offers_for=None):
    """Municipalities annotated with the page's figures.

    ``key_contact_count`` only if asked for; ``offer_count`` counts, in each municipality, the
    offers its page shows the user ``offers_for`` (through :mod:`samarbejde.offers`; only when
    ``offers_for`` is given and an offer source is registered).
    """
    counts = {
        field: SubqueryCount(_active_organisations().filter(kind=kind))
        for kind, field in KIND_COUNT_FIELDS.items()
    }
    counts["channel_count"] = SubqueryCount(Channel.objects.filter(municipality=OuterRef("pk")))
    counts["forum_count"] = SubqueryCount(Forum.objects.filter(municipality=OuterRef("pk")))
    if key_contacts:
        counts["key_contact_count"] = SubqueryCount(
            _key_contacts().filter(organisation__municipality=OuterRef("pk"))
        )
    if offers_for is not None:
        shown = offers.in_municipality(offers_for, OuterRef("pk"))
        if shown is not None:
            counts["offer_count"] = SubqueryCount(shown)
    return Municipality.objects.annotate(**counts)


def overview_counts(municipality):
    """The figures of a municipality from :func:`municipalities_with_overview_counts`."""
    counts = {
        "municipal": municipality.municipal_count,
        "private": municipality.private_count,
        "voluntary": municipality.voluntary_count,
        "channels": municipality.channel_count,
        "forums": municipality.forum_count,
        "key_contacts": getattr(municipality, "key_contact_count", 0),
        "offers": getattr(municipality, "offer_count", 0),
    }
    counts["organisations"] = counts["municipal"] + counts["private"] + counts["voluntary"]
    return counts


def _unit_names():
    return Unit.objects.only("id", "organisation_id", "name").order_by("name")


def actor_page(municipality, *, kind=None, page_number=None):
    """One page of the municipality's active actors (of ``kind`` if given), with their units.

    Ordered municipal, private, voluntary and by name within each kind. Returns the page and its
    rows grouped as ``[(kind label, [organisation, ...]), ...]``; each organisation carries
    ``unit_list``.
    """
    kind_rank = Case(
        *(When(kind=value, then=Value(rank)) for rank, value in enumerate(KIND_ORDER)),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    organisations = (
        Organisation.objects.active()
        .filter(municipality=municipality)
        .only("id", "name", "kind", "role_in_effort", "municipality_id")
        .annotate(kind_rank=kind_rank)
        .order_by("kind_rank", "name", "pk")
        .prefetch_related(Prefetch("units", queryset=_unit_names(), to_attr="unit_list"))
    )
    if kind:
        organisations = organisations.filter(kind=kind)
        total = getattr(municipality, KIND_COUNT_FIELDS[kind])
    else:
        total = sum(getattr(municipality, field) for field in KIND_COUNT_FIELDS.values())
    page = CountedPaginator(organisations, ACTORS_PER_PAGE, count=total).get_page(page_number)
    groups = [
        (Organisation.Kind(value).label, list(rows))
        for value, rows in groupby(page.object_list, key=attrgetter("kind"))
    ]
    return page, groups


def key_contact_page(municipality, *, page_number=None):
    """One page of the municipality's key contacts (active people in active organisations)."""
    contacts = (
        _key_contacts()
        .filter(organisation__municipality=municipality)
        .select_related("user", "organisation", "unit")
        .order_by("organisation__name", "user__full_name", "pk")
    )
    paginator = CountedPaginator(contacts, KEY_CONTACTS_PER_PAGE, count=municipality.key_contact_count)
    return paginator.get_page(page_number)


def first_channels(municipality):
    """The first channels by topic; the channel list has them all, searchable and printable."""
    channels = list(
        Channel.objects.for_municipality(municipality)
        .select_related(*CHANNEL_RELATIONS)
        .order_by("topic", "pk")[:CHANNELS_ON_PAGE]
    )
    for channel in channels:  # all of this municipality: no join needed to show it
        channel.municipality = municipality
    return channels


def forums_with_counts(municipality):
    """The municipality's forums with their number of member organisations and meetings.

    Counted in subqueries: joining both relations at once would multiply their rows.
    """
    members = Forum.member_organisations.through.objects.filter(forum=OuterRef("pk"))
    return list(
        Forum.objects.for_municipality(municipality)
        .annotate(
            organisation_count=SubqueryCount(members),
            meeting_count=SubqueryCount(ForumMeeting.objects.filter(forum=OuterRef("pk"))),
        )
        .order_by("name")
    )


def pager(request, page, *, param, anchor):
    """Links for a page of results: previous, numbered (elided), next, keeping the other parameters."""

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    paginator = page.paginator
    links = [
        {"number": number, "url": None if number == paginator.ELLIPSIS else url(number)}
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return {
        "page": page,
        "links": links,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
    }


def framework_documents(municipality):
    """The municipality's plans and workflows with their newest version number (one query)."""
    return list(
        FrameworkDocument.objects.for_municipality(municipality)
        .select_related("owner")
        .annotate(current_number=Max("versions__number"))
        .order_by("kind", "title")
    )
