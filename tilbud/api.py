"""Read-only HSDS 3.0 API (``/api/hsds/``), plain Django views returning JSON.

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
from django.db.models import Exists, F, JSONField, OuterRef, Q
from django.db.models.functions import JSONObject
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from samarbejde.models import Municipality, Organisation
from tilbud import search
from tilbud.models import (
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
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50


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


COMMON = {
    "page": lambda n, v: _int(n, v, 1),
    "per_page": lambda n, v: _int(n, v, 1, MAX_PER_PAGE),
    "format": lambda n, v: _choice(n, v, {"json", "ndjson"}),
    "minimal": _bool,
    "search": _search,
}


def parse_params(request, extra):
    spec = {**COMMON, **extra}
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
    params.setdefault("page", 1)
    params.setdefault("per_page", DEFAULT_PER_PAGE)
    params.setdefault("format", "json")
    params.setdefault("minimal", False)
    return params


def api_view(extra_params=None):
    def decorator(func):
        @require_GET
        def view(request, *args, **kwargs):
            try:
                params = parse_params(request, extra_params or {})
                return func(request, params, *args, **kwargs)
            except ParameterError as error:
                return error_response(error.parameter, error.message)

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return view

    return decorator


def paginated(request, params, queryset, serialize, rows=None):
    """An HSDS page (or the ndjson stream) of ``queryset``.

    ``rows`` turns the filtered, ordered queryset into what ``serialize`` takes (e.g. a values()
    queryset with the nested records); the total is counted on the plain queryset.
    """
    rows = rows or (lambda records: records)
    if params["format"] == "ndjson":

        def lines():
            for obj in rows(queryset).iterator(chunk_size=500):
                yield json.dumps(serialize(obj), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    per_page, number = params["per_page"], params["page"]
    paginator = Paginator(queryset, per_page)
    total_pages = max(paginator.num_pages, 1)
    bottom = (number - 1) * per_page
    # The page's ids from a narrow ordered query; only those records are read, in order.
    records = rows(queryset.filter(pk__in=queryset.values("pk")[bottom : bottom + per_page]))
    contents = [serialize(obj) for obj in records] if number <= total_pages else []
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


def not_found(kind, pk):
    return JsonResponse({"error": f"No {kind} with id '{pk}'.", "status": 404}, status=404)


# --- serializers ------------------------------------------------------------------------------
def _organization(org: dict, minimal=False):
    data = {"id": str(org["id"]), "name": org["name"], "description": org["description"]}
    if minimal:
        return data
    return {
        **data,
        "email": org["email"] or None,
        "website": org["website"] or None,
        "tax_id": org["cvr"] or None,
        "tax_status": None,
        "legal_status": str(KIND_LABELS.get(org["kind"], org["kind"])),
        "kind": org["kind"],
        "municipality": org["municipality"],
        "phones": [{"number": org["phone"]}] if org["phone"] else [],
        "last_modified": org["updated_at"],
    }


KIND_LABELS = dict(Organisation.Kind.choices)
ORGANISATION_FIELDS = ["id", "name", "description", "email", "website", "cvr", "kind", "phone", "updated_at"]


def organization_json(org, minimal=False):
    values = {field: getattr(org, field) for field in ORGANISATION_FIELDS}
    return _organization({**values, "municipality": None if minimal else org.municipality.slug}, minimal)


def taxonomy_json(taxonomy):
    return {
        "id": str(taxonomy.pk),
        "name": taxonomy.name,
        "description": taxonomy.description,
        "uri": taxonomy.uri or None,
        "version": taxonomy.version or None,
    }


def _term(term: dict):
    return {
        "id": str(term["id"]),
        "code": term["code"],
        "name": term["name"],
        "description": term["description"],
        "parent_id": str(term["parent_id"]) if term["parent_id"] else None,
        "taxonomy": None,
        "taxonomy_id": str(term["taxonomy_id"]),
        "language": "da",
    }


def term_json(term):
    return _term({field: getattr(term, field) for field in TERM_FIELDS})


TERM_FIELDS = ["id", "code", "name", "description", "parent_id", "taxonomy_id"]


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


def _records(queryset, order, **fields):
    objects = queryset.order_by(*order, "pk").values(json=JSONObject(**fields))
    return ArraySubquery(objects, output_field=ArrayField(JSONField()))


def _by_offer(model):
    return model.objects.filter(offer=OuterRef("pk"))


def _linked(model):
    return model.objects.filter(offers=OuterRef("pk"))


def _nested():
    return {
        **{f"org_{field}": F(f"organisation__{field}") for field in ORGANISATION_FIELDS},
        "org_municipality": F("organisation__municipality__slug"),
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
            _by_offer(Location), ["name", "address"], id="id", name="name", address="address", city="city",
            postal_code="postal_code", latitude="latitude", longitude="longitude",
        ),
        "language_list": _records(_linked(Language), ["name"], code="code", name="name"),
        "term_list": _records(_linked(TaxonomyTerm), ["name"], **{field: field for field in TERM_FIELDS}),
        "target_group_list": _records(_linked(TargetGroup), ["name"], code="code", name="name"),
    }  # fmt: skip


def service_rows(queryset):
    """The rows that ``service_json`` serializes (a values() queryset: one query)."""
    return queryset.values(*SERVICE_FIELDS, **_nested())


def service_rows_minimal(queryset):
    return queryset.values(*MINIMAL_FIELDS)


def service_minimal(offer: dict):
    return {
        "id": str(offer["id"]),
        "organization_id": str(offer["organisation_id"]),
        "name": offer["name"],
        "description": offer["description"],
        "status": offer["status"],
        "last_modified": offer["updated_at"],
    }


def _clock(value):
    """ "HH:MM" of a time read from JSON ("HH:MM:SS…")."""
    return value[:5] if value else None


def _float(value):
    return float(value) if value is not None else None


def service_json(offer: dict):
    service_id = str(offer["id"])
    schedules = [
        {
            "id": s["id"],
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": Schedule.HSDS_BYDAY[s["weekday"]],
            "opens_at": _clock(s["opens_at"]),
            "closes_at": _clock(s["closes_at"]),
            "timezone": "Europe/Copenhagen",
            "description": "",
        }
        for s in offer["schedule_list"]
    ] + [
        {
            "id": e["id"],
            "service_id": service_id,
            "valid_from": e["date"],
            "valid_to": e["date"],
            "opens_at": _clock(e["opens_at"]),
            "closes_at": _clock(e["closes_at"]),
            "closed": e["closed"],
            "timezone": "Europe/Copenhagen",
            "description": e["description"],
        }
        for e in offer["exception_list"]
    ]
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
    org = {field: offer[f"org_{field}"] for field in [*ORGANISATION_FIELDS, "municipality"]}
    return {
        **service_minimal(offer),
        "alternate_name": None,
        "url": offer["url"] or None,
        "email": offer["email"] or None,
        "interpretation_services": "Tolk kan bestilles" if offer["interpreter_available"] else None,
        "application_process": offer["application_process"],
        "fees_description": offer["fees_description"],
        "eligibility_description": offer["eligibility_description"],
        "minimum_age": offer["minimum_age"],
        "maximum_age": offer["maximum_age"],
        "assured_date": offer["assured_date"],
        "assurer_email": None,
        "organization": _organization(org),
        "phones": [
            {"id": p["id"], "number": p["number"], "description": p["description"], "type": "voice"}
            for p in offer["phone_list"]
        ],
        "contacts": [
            {
                "id": c["id"],
                "name": c["name"],
                "title": c["title"],
                "email": c["email"] or None,
                "phones": ([{"number": c["phone"]}] if c["phone"] else []),
            }
            for c in offer["contact_list"]
        ],
        "schedules": schedules,
        "service_areas": [
            {"name": m["name"], "extent_type": "municipality", "code": m["code"], "slug": m["slug"]}
            for m in offer["municipality_list"]
        ],
        "service_at_locations": [
            {
                "id": loc["id"],
                "location": {
                    "id": loc["id"],
                    "name": loc["name"] or None,
                    "location_type": "physical",
                    "latitude": _float(loc["latitude"]),
                    "longitude": _float(loc["longitude"]),
                    "addresses": [
                        {
                            "address_1": loc["address"],
                            "city": loc["city"],
                            "postal_code": loc["postal_code"],
                            "country": "DK",
                            "address_type": "physical",
                        }
                    ],
                },
            }
            for loc in offer["location_list"]
        ],
        "languages": [{"code": lang["code"], "name": lang["name"]} for lang in offer["language_list"]],
        "attributes": [{"taxonomy_term": _term(t)} for t in offer["term_list"]],
        "required_documents": (
            [{"document": offer["required_documents"]}] if offer["required_documents"] else []
        ),
        "capacities": capacities,
        # Extensions of this portal (not in HSDS 3.0):
        "target_groups": [{"code": g["code"], "name": g["name"]} for g in offer["target_group_list"]],
        "walk_in": offer["walk_in"],
        "referral_required": offer["referral_required"],
        "anonymous_allowed": offer["anonymous_allowed"],
        "free": offer["free"],
        "greenlandic_speaking_staff": offer["greenlandic_speaking_staff"],
        "interpreter_available": offer["interpreter_available"],
        "accessibility": offer["accessibility"],
        "internal": offer["internal"],
    }


# --- views --------------------------------------------------------------------------------------
@require_GET
def index(request):
    return JsonResponse(
        {
            "version": HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/v3.0/",
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            "name": "Samarbejdsportalen – tilbudsoversigt",
        }
    )


def _slugs(model, field):
    return lambda n, v: _choice(n, v, set(model.objects.values_list(field, flat=True)))


@api_view(
    {
        "taxonomy_term_id": _uuid,
        "organization_id": _uuid,
        "modified_after": _datetime,
        "municipality": _slugs(Municipality, "slug"),
        "target_group": _slugs(TargetGroup, "code"),
        "language": _slugs(Language, "code"),
        "open_now": _bool,
    }
)
def services(request, params):
    offers = Offer.objects.visible_to(request.user)
    text_search = search.Search(params["search"]) if "search" in params else None
    if text_search:
        offers = text_search.filter(offers)
    if "taxonomy_term_id" in params:
        term = params["taxonomy_term_id"]
        offers = offers.filter(
            Exists(
                Offer.categories.through.objects.filter(offer_id=OuterRef("pk")).filter(
                    Q(taxonomyterm_id=term) | Q(taxonomyterm__parent_id=term)
                )
            )
        )
    if "organization_id" in params:
        offers = offers.filter(organisation_id=params["organization_id"])
    if "modified_after" in params:
        offers = offers.filter(updated_at__gt=params["modified_after"])
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
    offers = text_search.rank(offers) if text_search else offers.order_by("name", "pk")
    if params["minimal"]:
        return paginated(request, params, offers, service_minimal, rows=service_rows_minimal)
    return paginated(request, params, offers, service_json, rows=service_rows)


@require_GET
def service_detail(request, pk):
    if request.GET:
        return error_response(next(iter(request.GET)), "This endpoint takes no parameters.")
    offer = service_rows(Offer.objects.visible_to(request.user).filter(pk=pk)).first()
    if offer is None:
        return not_found("service", pk)
    return JsonResponse(service_json(offer), json_dumps_params={"ensure_ascii": False})


def _organisations(request):
    visible = Offer.objects.visible_to(request.user).filter(organisation=OuterRef("pk"))
    return Organisation.objects.active().filter(Exists(visible)).select_related("municipality")


@api_view({"municipality": _slugs(Municipality, "slug")})
def organizations(request, params):
    orgs = _organisations(request)
    if "search" in params:
        orgs = orgs.filter(name__icontains=params["search"])
    if "municipality" in params:
        orgs = orgs.filter(municipality__slug=params["municipality"])
    orgs = orgs.order_by("name", "pk")
    return paginated(request, params, orgs, lambda o: organization_json(o, minimal=params["minimal"]))


@require_GET
def organization_detail(request, pk):
    if request.GET:
        return error_response(next(iter(request.GET)), "This endpoint takes no parameters.")
    org = _organisations(request).filter(pk=pk).first()
    if org is None:
        return not_found("organization", pk)
    offers = Offer.objects.visible_to(request.user).filter(organisation=org).order_by("name")
    services = [service_minimal(o) for o in service_rows_minimal(offers)]
    return JsonResponse(
        {**organization_json(org), "services": services},
        json_dumps_params={"ensure_ascii": False},
    )


@api_view()
def taxonomies(request, params):
    items = Taxonomy.objects.order_by("name")
    if "search" in params:
        items = items.filter(name__icontains=params["search"])
    return paginated(request, params, items, taxonomy_json)


@api_view({"taxonomy_id": _uuid, "parent_id": _uuid, "top_only": _bool})
def taxonomy_terms(request, params):
    items = TaxonomyTerm.objects.order_by("name", "pk")
    if "search" in params:
        items = items.filter(Q(name__icontains=params["search"]) | Q(code__icontains=params["search"]))
    if "taxonomy_id" in params:
        items = items.filter(taxonomy_id=params["taxonomy_id"])
    if "parent_id" in params:
        items = items.filter(parent_id=params["parent_id"])
    if params.get("top_only"):
        items = items.filter(parent__isnull=True)
    return paginated(request, params, items, term_json)


@require_GET
def openapi(request):
    from tilbud.openapi import document

    return JsonResponse(document(request), json_dumps_params={"ensure_ascii": False})
