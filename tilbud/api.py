"""Read-only HSDS 3.0 API (``/api/hsds/``), plain Django views returning JSON.

Lists use HSDS pagination (total_items, total_pages, page_number, size, first_page, last_page,
empty, contents). ``format=ndjson`` streams every matching record, one JSON object per line,
ignoring ``page``/``per_page``. Invalid or unknown parameters get 400 with a JSON body naming the
parameter. Every query is scoped by ``Offer.objects.visible_to(request.user)``.
"""

import datetime
import json
import uuid

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from samarbejde.models import Municipality, Organisation
from tilbud import search
from tilbud.models import Language, Offer, Schedule, TargetGroup, Taxonomy, TaxonomyTerm

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


def paginated(request, params, queryset, serialize):
    if params["format"] == "ndjson":

        def lines():
            for obj in queryset.iterator(chunk_size=500):
                yield json.dumps(serialize(obj), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    paginator = Paginator(queryset, params["per_page"])
    number = params["page"]
    total_pages = max(paginator.num_pages, 1)
    contents = [serialize(obj) for obj in paginator.page(number).object_list] if number <= total_pages else []
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": total_pages,
            "page_number": number,
            "size": params["per_page"],
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
def _time(value):
    return value.strftime("%H:%M") if value else None


def organization_json(org, minimal=False):
    data = {"id": str(org.pk), "name": org.name, "description": org.description}
    if minimal:
        return data
    return {
        **data,
        "email": org.email or None,
        "website": org.website or None,
        "tax_id": org.cvr or None,
        "tax_status": None,
        "legal_status": org.get_kind_display(),
        "kind": org.kind,
        "municipality": org.municipality.slug,
        "phones": [{"number": org.phone}] if org.phone else [],
        "last_modified": org.updated_at,
    }


def taxonomy_json(taxonomy):
    return {
        "id": str(taxonomy.pk),
        "name": taxonomy.name,
        "description": taxonomy.description,
        "uri": taxonomy.uri or None,
        "version": taxonomy.version or None,
    }


def term_json(term):
    return {
        "id": str(term.pk),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "parent_id": str(term.parent_id) if term.parent_id else None,
        "taxonomy": None,
        "taxonomy_id": str(term.taxonomy_id),
        "language": "da",
    }


def service_minimal(offer):
    return {
        "id": str(offer.pk),
        "organization_id": str(offer.organisation_id),
        "name": offer.name,
        "description": offer.description,
        "status": offer.status,
        "last_modified": offer.updated_at,
    }


def service_json(offer):
    schedules = [
        {
            "id": str(s.pk),
            "service_id": str(offer.pk),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": Schedule.HSDS_BYDAY[s.weekday],
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "timezone": "Europe/Copenhagen",
            "description": "",
        }
        for s in offer.schedules.all()
    ] + [
        {
            "id": str(e.pk),
            "service_id": str(offer.pk),
            "valid_from": e.date,
            "valid_to": e.date,
            "opens_at": _time(e.opens_at),
            "closes_at": _time(e.closes_at),
            "closed": e.closed,
            "timezone": "Europe/Copenhagen",
            "description": e.description,
        }
        for e in offer.schedule_exceptions.all()
    ]
    capacities = []
    if offer.capacity_maximum is not None or offer.capacity_available is not None:
        capacities.append(
            {
                "available": offer.capacity_available,
                "maximum": offer.capacity_maximum,
                "unit": {"name": offer.capacity_unit or None},
                "updated": offer.capacity_updated_at,
            }
        )
    return {
        **service_minimal(offer),
        "alternate_name": None,
        "url": offer.url or None,
        "email": offer.email or None,
        "interpretation_services": "Tolk kan bestilles" if offer.interpreter_available else None,
        "application_process": offer.application_process,
        "fees_description": offer.fees_description,
        "eligibility_description": offer.eligibility_description,
        "minimum_age": offer.minimum_age,
        "maximum_age": offer.maximum_age,
        "assured_date": offer.assured_date,
        "assurer_email": None,
        "organization": organization_json(offer.organisation),
        "phones": [
            {"id": str(p.pk), "number": p.number, "description": p.description, "type": "voice"}
            for p in offer.phones.all()
        ],
        "contacts": [
            {
                "id": str(c.pk),
                "name": c.name,
                "title": c.title,
                "email": c.email or None,
                "phones": ([{"number": c.phone}] if c.phone else []),
            }
            for c in offer.contacts.all()
        ],
        "schedules": schedules,
        "service_areas": [
            {"name": m.name, "extent_type": "municipality", "code": m.code, "slug": m.slug}
            for m in offer.municipalities.all()
        ],
        "service_at_locations": [
            {
                "id": str(loc.pk),
                "location": {
                    "id": str(loc.pk),
                    "name": loc.name or None,
                    "location_type": "physical",
                    "latitude": float(loc.latitude) if loc.latitude is not None else None,
                    "longitude": float(loc.longitude) if loc.longitude is not None else None,
                    "addresses": [
                        {
                            "address_1": loc.address,
                            "city": loc.city,
                            "postal_code": loc.postal_code,
                            "country": "DK",
                            "address_type": "physical",
                        }
                    ],
                },
            }
            for loc in offer.locations.all()
        ],
        "languages": [{"code": lang.code, "name": lang.name} for lang in offer.languages.all()],
        "attributes": [{"taxonomy_term": term_json(t)} for t in offer.categories.all()],
        "required_documents": [{"document": offer.required_documents}] if offer.required_documents else [],
        "capacities": capacities,
        # Extensions of this portal (not in HSDS 3.0):
        "target_groups": [{"code": g.code, "name": g.name} for g in offer.target_groups.all()],
        "walk_in": offer.walk_in,
        "referral_required": offer.referral_required,
        "anonymous_allowed": offer.anonymous_allowed,
        "free": offer.free,
        "greenlandic_speaking_staff": offer.greenlandic_speaking_staff,
        "interpreter_available": offer.interpreter_available,
        "accessibility": offer.accessibility,
        "internal": offer.internal,
    }


def _full_service_queryset(queryset):
    return queryset.select_related("organisation__municipality").prefetch_related(
        "phones",
        "contacts",
        "schedules",
        "schedule_exceptions",
        "municipalities",
        "locations",
        "languages",
        Prefetch("categories", queryset=TaxonomyTerm.objects.all()),
        "target_groups",
    )


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
        return paginated(request, params, offers, service_minimal)
    return paginated(request, params, _full_service_queryset(offers), service_json)


@require_GET
def service_detail(request, pk):
    if request.GET:
        return error_response(next(iter(request.GET)), "This endpoint takes no parameters.")
    offer = _full_service_queryset(Offer.objects.visible_to(request.user)).filter(pk=pk).first()
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
    return JsonResponse(
        {**organization_json(org), "services": [service_minimal(o) for o in offers]},
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
