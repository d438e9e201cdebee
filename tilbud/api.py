"""Read-only HSDS 3.0 API (``/api/hsds/``), plain Django views returning JSON.

Records follow Open Referral's compiled HSDS 3.0 schemas (``schema/compiled/*.json`` of
``openreferral/specification``): a field without a value is left out (never ``null``), every nested
record has a stable UUID (stored rows use their own id; rows without one, such as languages,
service areas and addresses, get a UUID 5 of their parent's id, their kind and their key, see
``nested_id``), schedules carry their UTC offset in ``timezone`` (the tz name in the extension field
``timezone_name``) and addresses the Danish region in ``state_province``. The portal's own fields
(target groups, Greenlandic-speaking staff, interpreter, capacity, …) are extension fields, which
the HSDS schemas allow.

Lists use HSDS pagination (total_items, total_pages, page_number, size, first_page, last_page,
empty, contents). ``format=ndjson`` streams every matching record, one JSON object per line,
ignoring ``page``/``per_page``. Invalid or unknown parameters get 400 with a JSON body naming the
parameter. Every query is scoped by ``Offer.objects.visible_to(request.user)``.
"""

import datetime
import json
import uuid

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Exists, F, FloatField, JSONField, OuterRef, Q, Value
from django.db.models.functions import ACos, Cast, Cos, JSONObject, Least, Radians, Sin
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from samarbejde.models import Municipality, Organisation
from tilbud import regions, search
from tilbud.answers import answer
from tilbud.models import (
    LOCAL_TZ,
    Contact,
    Language,
    Location,
    Offer,
    Phone,
    Schedule,
    ScheduleException,
    TargetGroup,
    Taxonomy,
    TaxonomyTerm,
)

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0/"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
BATCH = 500  # records serialized together (one query for their related records) in ndjson streams
TIMEZONE_NAME = "Europe/Copenhagen"
# The namespace of the UUIDs derived for nested records that have no row of their own.
NESTED_NAMESPACE = uuid.UUID("6f1c2b0e-4d3a-5e8f-9a7b-2c1d0e9f8a7b")


class ParameterError(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def error_response(parameter, message, status=400):
    return JsonResponse({"error": message, "parameter": parameter, "status": status}, status=status)


# --- parameter parsing --------------------------------------------------------------------------
def _int(name, value, minimum, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"'{name}' must be a whole number.") from None
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ParameterError(name, f"'{name}' must be {bound}.")
    return number


def _bool(name, value):
    if value.lower() in {"true", "1"}:
        return True
    if value.lower() in {"false", "0"}:
        return False
    raise ParameterError(name, f"'{name}' must be true or false.")


def _uuid(name, value):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ParameterError(name, f"'{name}' must be a UUID.") from None


def _datetime(name, value):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ParameterError(name, f"'{name}' must be an ISO 8601 date or date-time.")
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choice(name, value, known):
    if value not in known:
        raise ParameterError(name, f"'{name}' must be one of: {', '.join(sorted(known))}.")
    return value


def _search(name, value):
    value = search.normalise(value)
    if not value:
        raise ParameterError(name, f"'{name}' must not be empty.")
    return value


def _postcode(name, value):
    if not (len(value) == 4 and value.isdigit()):
        raise ParameterError(name, f"'{name}' must be a Danish postcode (four digits).")
    return value


COMMON = {
    "page": lambda n, v: _int(n, v, 1),
    "per_page": lambda n, v: _int(n, v, 1, MAX_PER_PAGE),
    "format": lambda n, v: _choice(n, v, {"json", "ndjson"}),
    "minimal": _bool,
    "search": _search,
}


def parse_params(request, spec):
    params = {}
    for name in request.GET:
        if name not in spec:
            raise ParameterError(name, f"Unknown parameter '{name}'.")
        values = request.GET.getlist(name)
        if len(values) > 1:
            raise ParameterError(name, f"'{name}' may be given only once.")
        if "\x00" in values[0]:
            raise ParameterError(name, f"'{name}' must not contain NUL characters.")
        params[name] = spec[name](name, values[0])
    return params


def api_view(extra_params=None, *, detail=False):
    """A GET view that gets its parsed query parameters; lists take the common ones too."""
    spec = dict(extra_params or {}) if detail else {**COMMON, **(extra_params or {})}

    def decorator(func):
        @require_GET
        def view(request, *args, **kwargs):
            try:
                params = parse_params(request, spec)
            except ParameterError as error:
                return error_response(error.parameter, error.message)
            if not detail:
                params.setdefault("page", 1)
                params.setdefault("per_page", DEFAULT_PER_PAGE)
                params.setdefault("format", "json")
                params.setdefault("minimal", False)
            try:
                if detail or params["format"] != "json":
                    return func(request, params, *args, **kwargs)

                # A list page is a cached answer until the directory changes (tilbud/answers.py).
                def compute():
                    response = func(request, params, *args, **kwargs)
                    return response.status_code, response.content

                status, body = answer(
                    ("hsds", request.get_host(), request.get_full_path()),
                    compute,
                    signed_in=request.user.is_authenticated and request.user.is_active,
                )
                return HttpResponse(body, status=status, content_type="application/json")
            except ParameterError as error:
                return error_response(error.parameter, error.message)

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return view

    return decorator


def each(serialize):
    """A batch serializer from a one-record serializer."""
    return lambda records: [serialize(record) for record in records]


def paginated(params, queryset, serialize_many, rows=None):
    """An HSDS page (or the ndjson stream) of ``queryset``.

    ``rows`` turns the filtered, ordered queryset into what ``serialize_many`` takes (e.g. a
    values() queryset with the nested records); the total is counted on the plain queryset.
    ``serialize_many`` serializes a list of rows at once (a page, or a batch of the stream), so it
    may read their related records in one query.
    """
    rows = rows or (lambda records: records)
    if params["format"] == "ndjson":

        def lines():
            batch = []
            for obj in rows(queryset).iterator(chunk_size=BATCH):
                batch.append(obj)
                if len(batch) == BATCH:
                    yield from _ndjson(serialize_many(batch))
                    batch = []
            if batch:
                yield from _ndjson(serialize_many(batch))

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    per_page, number = params["per_page"], params["page"]
    paginator = Paginator(queryset, per_page)
    total_pages = max(paginator.num_pages, 1)
    bottom = (number - 1) * per_page
    contents = []
    if number <= total_pages:
        # The page's ids from a narrow ordered query; only those records are read, in order.
        records = rows(queryset.filter(pk__in=queryset.values("pk")[bottom : bottom + per_page]))
        contents = serialize_many(list(records))
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": total_pages,
            "page_number": number,
            "size": per_page,
            "first_page": number == 1,
            "last_page": number >= total_pages,
            "empty": not contents,
            "contents": contents,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _ndjson(records):
    for record in records:
        yield json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"


def not_found(kind, pk):
    return JsonResponse({"error": f"No {kind} with id '{pk}'.", "status": 404}, status=404)


def record_response(data):
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- serializer helpers -----------------------------------------------------------------------
def nested_id(parent_id, kind, key=""):
    """The stable UUID of a nested record without a row of its own (same input, same UUID)."""
    return str(uuid.uuid5(NESTED_NAMESPACE, f"{parent_id}/{kind}/{key}"))


def compact(data: dict) -> dict:
    """``data`` without the fields that have no value (HSDS leaves them out rather than null)."""
    return {key: value for key, value in data.items() if value is not None}


def _text(value):
    """A string field: absent when empty (formats such as uri and email reject "")."""
    return value or None


def utc_offset(day: datetime.date) -> int | float:
    """Danish time's UTC offset in hours on ``day`` (1 in winter, 2 in summer)."""
    offset = LOCAL_TZ.utcoffset(datetime.datetime.combine(day, datetime.time(12))).total_seconds() / 3600
    return int(offset) if offset.is_integer() else offset


HSDS_STATUS = {Offer.Status.TEMPORARILY_CLOSED: "temporarily closed"}


def hsds_status(status):
    return HSDS_STATUS.get(status, status)


def _clock(value):
    """ "HH:MM" of a time read from JSON ("HH:MM:SS…")."""
    return value[:5] if value else None


def _float(value):
    return float(value) if value is not None else None


# --- organizations ------------------------------------------------------------------------------
KIND_LABELS = dict(Organisation.Kind.choices)
ORGANISATION_FIELDS = ["id", "name", "description", "email", "website", "cvr", "kind", "phone", "updated_at"]


def _organization(org: dict, minimal=False):
    org_id = str(org["id"])
    data = {"id": org_id, "name": org["name"], "description": org["description"]}
    if minimal:
        return data
    phones = []
    if org["phone"]:
        phones.append(
            {
                "id": nested_id(org_id, "phone", org["phone"]),
                "organization_id": org_id,
                "number": org["phone"],
                "type": "voice",
            }
        )
    identifiers = []
    if org["cvr"]:
        identifiers.append(
            {
                "id": nested_id(org_id, "organization_identifier", org["cvr"]),
                "organization_id": org_id,
                "identifier_scheme": "DK-CVR",
                "identifier_type": "CVR-nummer",
                "identifier": org["cvr"],
            }
        )
    return compact(
        {
            **data,
            "email": _text(org["email"]),
            "website": _text(org["website"]),
            "tax_id": _text(org["cvr"]),
            "legal_status": str(KIND_LABELS.get(org["kind"], org["kind"])),
            "phones": phones,
            "organization_identifiers": identifiers,
            "last_modified": org["updated_at"],
            # Extensions of this portal:
            "kind": org["kind"],
            "municipality": org["municipality"],
        }
    )


def organization_json(org, minimal=False):
    values = {field: getattr(org, field) for field in ORGANISATION_FIELDS}
    return _organization({**values, "municipality": None if minimal else org.municipality.slug}, minimal)


# --- taxonomies ---------------------------------------------------------------------------------
def taxonomy_json(taxonomy):
    return compact(
        {
            "id": str(taxonomy.pk),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": _text(taxonomy.uri),
            "version": _text(taxonomy.version),
        }
    )


TERM_FIELDS = ["id", "code", "name", "description", "parent_id", "taxonomy_id"]


def _term(term: dict):
    return compact(
        {
            "id": str(term["id"]),
            "code": term["code"],
            "name": term["name"],
            "description": term["description"],
            "parent_id": str(term["parent_id"]) if term["parent_id"] else None,
            "taxonomy": term["taxonomy_name"],
            "taxonomy_id": str(term["taxonomy_id"]),
            "language": "da",
        }
    )


def term_json(term):
    """A term read with ``select_related("taxonomy")``."""
    return _term(
        {**{field: getattr(term, field) for field in TERM_FIELDS}, "taxonomy_name": term.taxonomy.name}
    )


# --- services -----------------------------------------------------------------------------------
# A service record is read in one query: the offer's columns, its organisation's (joined) and each
# list of nested records as an array of JSON objects from a correlated subquery, in the order the
# models define (id last, so ties are stable). Serializing is then plain dict work.
MINIMAL_FIELDS = ["id", "organisation_id", "name", "description", "status", "updated_at"]
SERVICE_FIELDS = MINIMAL_FIELDS + [
    "url", "email", "interpreter_available", "application_process", "fees_description",
    "eligibility_description", "minimum_age", "maximum_age", "assured_date", "required_documents",
    "capacity_available", "capacity_maximum", "capacity_unit", "capacity_updated_at", "walk_in",
    "referral_required", "anonymous_allowed", "free", "greenlandic_speaking_staff", "accessibility",
    "internal",
]  # fmt: skip
LOCATION_FIELDS = ["id", "name", "address", "city", "postal_code", "latitude", "longitude", "transportation"]


def _records(queryset, order, **fields):
    objects = queryset.order_by(*order, "pk").values(json=JSONObject(**fields))
    return ArraySubquery(objects, output_field=ArrayField(JSONField()))


def _by_offer(model):
    return model.objects.filter(offer=OuterRef("pk"))


def _linked(model):
    return model.objects.filter(offers=OuterRef("pk"))


def _organisation_columns(prefix="organisation__"):
    return {
        **{f"org_{field}": F(f"{prefix}{field}") for field in ORGANISATION_FIELDS},
        "org_municipality": F(f"{prefix}municipality__slug"),
        "org_municipality_code": F(f"{prefix}municipality__code"),
    }


def _nested():
    return {
        **_organisation_columns(),
        "phone_list": _records(
            _by_offer(Phone), ["number"], id="id", number="number", description="description"
        ),
        "contact_list": _records(
            _by_offer(Contact), ["name"], id="id", name="name", title="title", email="email", phone="phone"
        ),
        "schedule_list": _records(
            _by_offer(Schedule), ["weekday", "opens_at"], id="id", weekday="weekday", opens_at="opens_at",
            closes_at="closes_at",
        ),
        "exception_list": _records(
            _by_offer(ScheduleException), ["date", "opens_at"], id="id", date="date", opens_at="opens_at",
            closes_at="closes_at", closed="closed", description="description",
        ),
        "municipality_list": _records(_linked(Municipality), ["name"], name="name", code="code", slug="slug"),
        "location_list": _records(
            _by_offer(Location), ["name", "address"], **{field: field for field in LOCATION_FIELDS}
        ),
        "language_list": _records(_linked(Language), ["name"], code="code", name="name"),
        "term_list": _records(
            _linked(TaxonomyTerm), ["name"], **{field: field for field in TERM_FIELDS},
            taxonomy_name="taxonomy__name",
        ),
        "target_group_list": _records(_linked(TargetGroup), ["name"], code="code", name="name"),
    }  # fmt: skip


def service_rows(queryset):
    """The rows that ``service_json`` serializes (a values() queryset: one query)."""
    return queryset.values(*SERVICE_FIELDS, **_nested())


def service_rows_flat(queryset):
    """The rows that ``service_flat`` serializes: the offer's and its organisation's columns."""
    return queryset.values(*SERVICE_FIELDS, **_organisation_columns())


def service_rows_minimal(queryset):
    return queryset.values(*MINIMAL_FIELDS)


def service_minimal(offer: dict):
    return {
        "id": str(offer["id"]),
        "organization_id": str(offer["organisation_id"]),
        "name": offer["name"],
        "description": offer["description"],
        "status": hsds_status(offer["status"]),
        "last_modified": offer["updated_at"],
    }


def service_flat(offer: dict):
    """The service's one-to-one fields (HSDS ``service_list``), its organization and extensions."""
    org = {field: offer[f"org_{field}"] for field in [*ORGANISATION_FIELDS, "municipality"]}
    capacities = []
    if offer["capacity_maximum"] is not None or offer["capacity_available"] is not None:
        capacities.append(
            {
                "available": offer["capacity_available"],
                "maximum": offer["capacity_maximum"],
                "unit": {"name": offer["capacity_unit"] or None},
                "updated": offer["capacity_updated_at"],
            }
        )
    return compact(
        {
            **service_minimal(offer),
            "url": _text(offer["url"]),
            "email": _text(offer["email"]),
            "interpretation_services": "Tolk kan bestilles" if offer["interpreter_available"] else None,
            "application_process": offer["application_process"],
            "fees_description": offer["fees_description"],
            "eligibility_description": offer["eligibility_description"],
            "minimum_age": offer["minimum_age"],
            "maximum_age": offer["maximum_age"],
            "assured_date": offer["assured_date"],
            "organization": _organization(org),
            # Extensions of this portal (HSDS 3.0 allows additional fields):
            "capacities": capacities,
            "walk_in": offer["walk_in"],
            "referral_required": offer["referral_required"],
            "anonymous_allowed": offer["anonymous_allowed"],
            "free": offer["free"],
            "greenlandic_speaking_staff": offer["greenlandic_speaking_staff"],
            "interpreter_available": offer["interpreter_available"],
            "accessibility": offer["accessibility"],
            "internal": offer["internal"],
        }
    )


def _schedules(service_id, offer):
    weekly_offset = utc_offset(timezone.localdate())
    weekly = [
        {
            "id": s["id"],
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": Schedule.HSDS_BYDAY[s["weekday"]],
            "opens_at": _clock(s["opens_at"]),
            "closes_at": _clock(s["closes_at"]),
            "timezone": weekly_offset,
            "timezone_name": TIMEZONE_NAME,
            "description": "",
        }
        for s in offer["schedule_list"]
    ]
    exceptions = [
        compact(
            {
                "id": e["id"],
                "service_id": service_id,
                "valid_from": e["date"],
                "valid_to": e["date"],
                "opens_at": _clock(e["opens_at"]),
                "closes_at": _clock(e["closes_at"]),
                "closed": e["closed"],
                "timezone": utc_offset(datetime.date.fromisoformat(e["date"])),
                "timezone_name": TIMEZONE_NAME,
                "description": e["description"],
            }
        )
        for e in offer["exception_list"]
    ]
    return weekly + exceptions


def location_json(loc: dict, municipality_code):
    """An HSDS location (with its one address) from a location row (model field names)."""
    location_id = str(loc["id"])
    return compact(
        {
            "id": location_id,
            "location_type": "physical",
            "name": _text(loc["name"]),
            "transportation": _text(loc["transportation"]),
            "latitude": _float(loc["latitude"]),
            "longitude": _float(loc["longitude"]),
            "addresses": [
                {
                    "id": nested_id(location_id, "address"),
                    "location_id": location_id,
                    "address_1": loc["address"],
                    "city": loc["city"],
                    "state_province": regions.region(municipality_code, loc["postal_code"]),
                    "postal_code": loc["postal_code"],
                    "country": "DK",
                    "address_type": "physical",
                }
            ],
        }
    )


def _service_at_location(service_id, loc, municipality_code):
    # A location belongs to one service, so the service_at_location shares the location's id.
    return {
        "id": str(loc["id"]),
        "service_id": service_id,
        "location_id": str(loc["id"]),
        "location": location_json(loc, municipality_code),
    }


def _contact(service_id, c):
    phones = []
    if c["phone"]:
        phones.append(
            {
                "id": nested_id(c["id"], "phone", c["phone"]),
                "contact_id": c["id"],
                "number": c["phone"],
                "type": "voice",
            }
        )
    return compact(
        {
            "id": c["id"],
            "service_id": service_id,
            "name": c["name"],
            "title": c["title"],
            "email": _text(c["email"]),
            "phones": phones,
        }
    )


def _attribute(service_id, term):
    return {
        "id": nested_id(service_id, "attribute", term["id"]),
        "link_id": service_id,
        "link_type": "category",
        "link_entity": "service",
        "taxonomy_term_id": str(term["id"]),
        "taxonomy_term": _term(term),
    }


def service_json(offer: dict):
    """The fully nested HSDS service."""
    service_id = str(offer["id"])
    municipality_code = offer["org_municipality_code"]
    return {
        **service_flat(offer),
        "phones": [
            {
                "id": p["id"],
                "service_id": service_id,
                "number": p["number"],
                "description": p["description"],
                "type": "voice",
            }
            for p in offer["phone_list"]
        ],
        "contacts": [_contact(service_id, c) for c in offer["contact_list"]],
        "schedules": _schedules(service_id, offer),
        "service_areas": [
            {
                "id": nested_id(service_id, "service_area", m["code"]),
                "service_id": service_id,
                "name": m["name"],
                # Extensions: the municipality's code and the slug the filters take.
                "code": m["code"],
                "slug": m["slug"],
            }
            for m in offer["municipality_list"]
        ],
        "service_at_locations": [
            _service_at_location(service_id, loc, municipality_code) for loc in offer["location_list"]
        ],
        "languages": [
            {
                "id": nested_id(service_id, "language", lang["code"]),
                "service_id": service_id,
                "code": lang["code"],
                "name": lang["name"],
            }
            for lang in offer["language_list"]
        ],
        "attributes": [_attribute(service_id, t) for t in offer["term_list"]],
        "required_documents": (
            [
                {
                    "id": nested_id(service_id, "required_document"),
                    "service_id": service_id,
                    "document": offer["required_documents"],
                }
            ]
            if offer["required_documents"]
            else []
        ),
        # Extension of this portal:
        "target_groups": [{"code": g["code"], "name": g["name"]} for g in offer["target_group_list"]],
    }


# --- views --------------------------------------------------------------------------------------
@require_GET
def index(request):
    return JsonResponse(
        {
            "version": HSDS_VERSION,
            "profile": HSDS_PROFILE,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            "name": "Samarbejdsportalen – tilbudsoversigt",
        }
    )


def _slugs(model, field):
    return lambda n, v: _choice(n, v, set(model.objects.values_list(field, flat=True)))


OFFER_FILTERS = {
    "taxonomy_term_id": _uuid,
    "taxonomy_id": _uuid,
    "organization_id": _uuid,
    "modified_after": _datetime,
}


def filtered_offers(request, params):
    """The visible offers matching the HSDS filters in ``params`` (unordered), and the text search."""
    offers = Offer.objects.visible_to(request.user)
    text_search = search.Search(params["search"]) if "search" in params else None
    if text_search:
        offers = text_search.filter(offers)
    through = Offer.categories.through.objects.filter(offer_id=OuterRef("pk"))
    if "taxonomy_term_id" in params:
        term = params["taxonomy_term_id"]
        offers = offers.filter(
            Exists(through.filter(Q(taxonomyterm_id=term) | Q(taxonomyterm__parent_id=term)))
        )
    if "taxonomy_id" in params:
        offers = offers.filter(Exists(through.filter(taxonomyterm__taxonomy_id=params["taxonomy_id"])))
    if "organization_id" in params:
        offers = offers.filter(organisation_id=params["organization_id"])
    if "modified_after" in params:
        offers = offers.filter(updated_at__gt=params["modified_after"])
    return offers, text_search


@api_view(
    {
        **OFFER_FILTERS,
        "full": _bool,
        "municipality": _slugs(Municipality, "slug"),
        "target_group": _slugs(TargetGroup, "code"),
        "language": _slugs(Language, "code"),
        "open_now": _bool,
        "vacant": _bool,
    }
)
def services(request, params):
    offers, text_search = filtered_offers(request, params)
    if "municipality" in params:
        offers = offers.filter(municipalities__slug=params["municipality"])
    if "target_group" in params:
        offers = offers.filter(target_groups__code=params["target_group"])
    if "language" in params:
        offers = offers.filter(languages__code=params["language"])
    if params.get("open_now") is True:
        offers = offers.open_now()
    elif params.get("open_now") is False:
        offers = offers.exclude(pk__in=Offer.objects.open_now().values("pk"))
    if params.get("vacant") is True:
        offers = offers.filter(capacity_available__gt=0)
    offers = text_search.rank(offers) if text_search else offers.order_by("name", "pk")
    if params["minimal"]:
        return paginated(params, offers, each(service_minimal), rows=service_rows_minimal)
    if params.get("full") is False:
        return paginated(params, offers, each(service_flat), rows=service_rows_flat)
    return paginated(params, offers, each(service_json), rows=service_rows)


@api_view(detail=True)
def service_detail(request, params, pk):
    offer = service_rows(Offer.objects.visible_to(request.user).filter(pk=pk)).first()
    if offer is None:
        return not_found("service", pk)
    return record_response(service_json(offer))


def _organisations(request):
    visible = Offer.objects.visible_to(request.user).filter(organisation=OuterRef("pk"))
    return Organisation.objects.active().filter(Exists(visible)).select_related("municipality")


def _with_services(request, full_service):
    """A batch serializer of organisations with their visible services (one query per batch)."""

    def serialize_many(orgs):
        offers = Offer.objects.visible_to(request.user).filter(organisation__in=[o.pk for o in orgs])
        offers = offers.order_by("name", "pk")
        rows, serialize = (
            (service_rows, service_json) if full_service else (service_rows_minimal, service_minimal)
        )
        by_org = {}
        for row in rows(offers):
            by_org.setdefault(row["organisation_id"], []).append(serialize(row))
        return [{**organization_json(o), "services": by_org.get(o.pk, [])} for o in orgs]

    return serialize_many


@api_view({"municipality": _slugs(Municipality, "slug"), "full": _bool, "full_service": _bool})
def organizations(request, params):
    orgs = _organisations(request)
    if "search" in params:
        orgs = orgs.filter(name__icontains=params["search"])
    if "municipality" in params:
        orgs = orgs.filter(municipality__slug=params["municipality"])
    orgs = orgs.order_by("name", "pk")
    if params["minimal"]:
        return paginated(params, orgs, each(lambda o: organization_json(o, minimal=True)))
    if params.get("full") or params.get("full_service"):
        return paginated(params, orgs, _with_services(request, params.get("full_service", False)))
    return paginated(params, orgs, each(organization_json))


@api_view({"full_service": _bool}, detail=True)
def organization_detail(request, params, pk):
    org = _organisations(request).filter(pk=pk).first()
    if org is None:
        return not_found("organization", pk)
    return record_response(_with_services(request, params.get("full_service", False))([org])[0])


@api_view()
def taxonomies(request, params):
    items = Taxonomy.objects.order_by("name")
    if "search" in params:
        items = items.filter(name__icontains=params["search"])
    return paginated(params, items, each(taxonomy_json))


@api_view(detail=True)
def taxonomy_detail(request, params, pk):
    taxonomy = Taxonomy.objects.filter(pk=pk).first()
    if taxonomy is None:
        return not_found("taxonomy", pk)
    return record_response(taxonomy_json(taxonomy))


@api_view({"taxonomy_id": _uuid, "parent_id": _uuid, "top_only": _bool})
def taxonomy_terms(request, params):
    items = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "pk")
    if "search" in params:
        items = items.filter(Q(name__icontains=params["search"]) | Q(code__icontains=params["search"]))
    if "taxonomy_id" in params:
        items = items.filter(taxonomy_id=params["taxonomy_id"])
    if "parent_id" in params:
        items = items.filter(parent_id=params["parent_id"])
    if params.get("top_only"):
        items = items.filter(parent__isnull=True)
    return paginated(params, items, each(term_json))


@api_view(detail=True)
def taxonomy_term_detail(request, params, pk):
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=pk).first()
    if term is None:
        return not_found("taxonomy term", pk)
    return record_response(term_json(term))


# --- service_at_locations -------------------------------------------------------------------------
def _location_rows(locations):
    return locations.values(
        *LOCATION_FIELDS,
        service_id=F("offer_id"),
        municipality_code=F("offer__organisation__municipality__code"),
        **{f"service_{field}": F(f"offer__{field}") for field in MINIMAL_FIELDS if field != "id"},
    )


def _service_at_locations(request, full):
    """A batch serializer of location rows as HSDS service_at_locations.

    The list gives each its location and its service's one-to-one core fields; ``full`` (and the
    detail) the fully nested service, read for the whole batch in one query."""

    def serialize_many(rows):
        services = {}
        if full:
            offers = Offer.objects.visible_to(request.user).filter(pk__in={row["service_id"] for row in rows})
            services = {row["id"]: service_json(row) for row in service_rows(offers)}
        records = []
        for row in rows:
            service = services.get(row["service_id"]) or service_minimal(
                {
                    "id": row["service_id"],
                    **{field: row[f"service_{field}"] for field in MINIMAL_FIELDS if field != "id"},
                }
            )
            record = _service_at_location(str(row["service_id"]), row, row["municipality_code"])
            records.append({**record, "service": service})
        return records

    return serialize_many


def _proximity_filter(locations, postcode, meters):
    """Locations within ``meters`` of the centre of ``postcode`` (the mean position of the
    directory's locations there); only that postcode's locations when none has coordinates."""
    centre = Location.objects.filter(postal_code=postcode, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if centre["lat"] is None:
        return locations.filter(postal_code=postcode)
    lat, lon = Value(float(centre["lat"])), Value(float(centre["lon"]))
    lat2, lon2 = Radians(Cast("latitude", FloatField())), Radians(Cast("longitude", FloatField()))
    cosine = Cos(Radians(lat)) * Cos(lat2) * Cos(lon2 - Radians(lon)) + Sin(Radians(lat)) * Sin(lat2)
    distance = Value(6371000.0) * ACos(Least(Value(1.0), cosine))
    return locations.filter(latitude__isnull=False).alias(distance=distance).filter(distance__lte=meters)


def _meters(name, value):
    try:
        meters = float(value)
    except ValueError:
        raise ParameterError(name, f"'{name}' must be a distance in meters.") from None
    if not 0 <= meters <= 1_000_000:
        raise ParameterError(name, f"'{name}' must be between 0 and 1000000 meters.")
    return meters


@api_view({**OFFER_FILTERS, "full": _bool, "postcode": _postcode, "proximity": _meters})
def service_at_locations(request, params):
    offers, _search = filtered_offers(request, params)
    locations = Location.objects.filter(offer__in=offers.values("pk"))
    if "proximity" in params:
        if "postcode" not in params:
            raise ParameterError("proximity", "'proximity' needs 'postcode'.")
        locations = _proximity_filter(locations, params["postcode"], params["proximity"])
    elif "postcode" in params:
        locations = locations.filter(postal_code=params["postcode"])
    locations = locations.order_by("offer__name", "name", "address", "pk")
    if params["minimal"]:
        minimal = each(
            lambda row: {
                "id": str(row["id"]),
                "service_id": str(row["offer_id"]),
                "location_id": str(row["id"]),
            }
        )
        return paginated(params, locations, minimal, rows=lambda q: q.values("id", "offer_id"))
    return paginated(
        params, locations, _service_at_locations(request, params.get("full", False)), rows=_location_rows
    )


@api_view(detail=True)
def service_at_location_detail(request, params, pk):
    visible = Offer.objects.visible_to(request.user).values("pk")
    row = _location_rows(Location.objects.filter(pk=pk, offer__in=visible)).first()
    if row is None:
        return not_found("service_at_location", pk)
    return record_response(_service_at_locations(request, True)([row])[0])
