"""The OpenAPI 3.1 document of the read-only HSDS API (served at /api/hsds/openapi.json).

Paths and parameters follow Open Referral's ``schema/openapi.json`` (HSDS 3.0) for every path this
API offers; response records are the official compiled schemas, with this portal's extension fields
described beside them. Filters of our own are marked "Extension".
"""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from tilbud.api import DEFAULT_PER_PAGE, HSDS_PROFILE, HSDS_VERSION, MAX_PER_PAGE

OFFICIAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _param(name, description, schema, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


STR, INT, BOOL, NUM = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
UUID = {"type": "string", "format": "uuid"}

PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1})
PER_PAGE = _param(
    "per_page",
    f"Items per page (max {MAX_PER_PAGE}).",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
)
SEARCH = _param(
    "search",
    "Danish full-text search (stemming) with typo tolerance (trigram similarity).",
    STR,
)
MINIMAL = _param(
    "minimal", "Return only the core fields of each item.", {"type": "boolean", "default": False}
)
FORMAT = _param(
    "format",
    "json (paginated) or ndjson (every matching item, one JSON object per line, no pagination).",
    {"type": "string", "enum": ["json", "ndjson"], "default": "json"},
)
# A searchable list's own parameters: the search, its pages and the format they come in.
SEARCHED_PAGES = [SEARCH, PAGE, PER_PAGE, FORMAT]
TERM_ID = _param(
    "taxonomy_term_id",
    "Only services with this category (a main category includes its sub-categories).",
    UUID,
)
TAXONOMY_ID = _param("taxonomy_id", "Only services with a category of this taxonomy.", UUID)
ORGANIZATION_ID = _param("organization_id", "Only services of this organization.", UUID)
MODIFIED_AFTER = _param(
    "modified_after",
    "Only services changed after this ISO 8601 date or date-time.",
    {"type": "string", "format": "date-time"},
)
FULL_SERVICE = _param(
    "full_service",
    "Give the organization's services fully nested (default: their core fields).",
    {"type": "boolean", "default": False},
)


def _id(kind):
    return _param("id", f"The {kind}'s UUID.", UUID, where="path", required=True)


def _page_of(schema):
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": schema}},
    }


def _list(summary, schema, params):
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {
                    "description": "A page of items.",
                    "content": {
                        "application/json": {"schema": _page_of(schema)},
                        "application/x-ndjson": {"schema": schema},
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }


def _one(summary, kind, schema, params=()):
    return {
        "get": {
            "summary": summary,
            "parameters": [_id(kind), *params],
            "responses": {
                "200": {"description": "The item.", "content": {"application/json": {"schema": schema}}},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"description": "Not found (or not visible to you)."},
            },
        }
    }


def _official(name, extension=None):
    """The official HSDS 3.0 schema ``name`` (plus our extension fields, if any)."""
    official = {"$ref": OFFICIAL + name}
    if extension is None:
        return official
    return {"allOf": [official, {"$ref": f"#/components/schemas/{extension}"}]}


def _obj(properties, required=()):
    return {"type": "object", "required": list(required), "properties": properties}


def _array_of(properties):
    return {"type": "array", "items": _obj(properties)}


SCHEDULE_EXTENSION = _obj(
    {
        "timezone_name": {
            **STR,
            "description": "The IANA time zone of opens_at/closes_at (Europe/Copenhagen).",
        },
        "closed": {**BOOL, "description": "A date (valid_from = valid_to) on which the service is closed."},
    }
)
SERVICE_EXTENSION = _obj(
    {
        "target_groups": _array_of({"code": STR, "name": STR}),
        "capacities": _array_of(
            {
                "available": {"type": ["integer", "null"]},
                "maximum": {"type": ["integer", "null"]},
                "unit": _obj({"name": {"type": ["string", "null"]}}),
                "updated": {"type": ["string", "null"], "format": "date-time"},
            }
        ),
        "walk_in": BOOL,
        "referral_required": BOOL,
        "anonymous_allowed": BOOL,
        "free": BOOL,
        "greenlandic_speaking_staff": BOOL,
        "interpreter_available": BOOL,
        "accessibility": STR,
        "internal": {**BOOL, "description": "Only returned to logged-in users."},
        "schedules": {"type": "array", "items": {"$ref": "#/components/schemas/schedule_extension"}},
        "service_areas": _array_of(
            {
                "code": {**STR, "description": "Municipality code."},
                "slug": {**STR, "description": "Municipality slug."},
            }
        ),
    }
)
ORGANIZATION_EXTENSION = _obj(
    {
        "kind": {"type": "string", "enum": ["kommunal", "privat", "frivillig"]},
        "municipality": {**STR, "description": "The municipality's slug."},
        "last_modified": {"type": "string", "format": "date-time"},
    }
)


def document(request):
    base = request.build_absolute_uri(reverse("hsds:index")).rstrip("/")
    service_params = [
        *SEARCHED_PAGES,
        TERM_ID,
        TAXONOMY_ID,
        ORGANIZATION_ID,
        MODIFIED_AFTER,
        MINIMAL,
        _param("full", "Fully nested services (default true; false: one-to-one fields only).", BOOL),
        _param("municipality", "Extension: municipality slug served (e.g. aarhus).", STR),
        _param("target_group", "Extension: target group code (e.g. hjemloese).", STR),
        _param("language", "Extension: language code spoken (da, kl, en).", STR),
        _param(
            "open_now", "Extension: only services open (true) or closed (false) right now, Danish time.", BOOL
        ),
        _param("vacant", "Extension: only services with vacant places (capacity available > 0).", BOOL),
    ]
    service = _official("compiled/service.json", "service_extension")
    organization = _official("compiled/organization.json", "organization_extension")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Samarbejdsportalen HSDS API",
            "version": HSDS_VERSION,
            "description": (
                f"Read-only Open Referral HSDS {HSDS_VERSION} API of the offer directory ({HSDS_PROFILE}). "
                "Records validate against the official compiled HSDS 3.0 schemas; fields without a value "
                "are left out. Internal offers are only returned to logged-in users. Unknown or invalid "
                'parameters give 400 with {"error": ..., "parameter": ...}. The directory\'s public '
                "records as an HSDS tabular data package: /datapackage.zip."
            ),
        },
        "servers": [{"url": base}],
        "paths": {
            "/": {
                "get": {
                    "summary": "API and HSDS version",
                    "responses": {
                        "200": {
                            "description": "Version info.",
                            "content": {
                                "application/json": {
                                    "schema": _obj(
                                        {
                                            "version": STR,
                                            "profile": {"type": "string", "format": "uri"},
                                            "openapi_url": {"type": "string", "format": "uri"},
                                        }
                                    )
                                }
                            },
                        }
                    },
                }
            },
            "/services": _list(
                "Services (offers), fully nested unless full=false (each also a valid service_list record)",
                _official("compiled/service_list.json", "service_extension"),
                service_params,
            ),
            "/services/{id}": _one("One service with its nested records", "service", service),
            "/organizations": _list(
                "Organizations with at least one visible service",
                _official("compiled/organization_list.json", "organization_extension"),
                [
                    SEARCH,
                    FULL_SERVICE,
                    _param(
                        "full", "Each organization with its services.", {"type": "boolean", "default": False}
                    ),
                    PAGE,
                    PER_PAGE,
                    FORMAT,
                    MINIMAL,
                    _param("municipality", "Extension: municipality slug.", STR),
                ],
            ),
            "/organizations/{id}": _one(
                "One organization and its services", "organization", organization, [FULL_SERVICE]
            ),
            "/taxonomies": _list("Taxonomies", _official("taxonomy.json"), [*SEARCHED_PAGES, MINIMAL]),
            "/taxonomies/{id}": _one("One taxonomy", "taxonomy", _official("taxonomy.json")),
            "/taxonomy_terms": _list(
                "Taxonomy terms (two levels: main categories have no parent_id)",
                _official("taxonomy_term.json"),
                [
                    *SEARCHED_PAGES,
                    TAXONOMY_ID,
                    _param("top_only", "Only main categories.", BOOL),
                    _param("parent_id", "Only children of this term.", UUID),
                    MINIMAL,
                ],
            ),
            "/taxonomy_terms/{id}": _one(
                "One taxonomy term", "taxonomy term", _official("taxonomy_term.json")
            ),
            "/service_at_locations": _list(
                "Services at their locations (a location belongs to one service and shares its id)",
                _official("compiled/service_at_location_list.json"),
                [
                    SEARCH,
                    TERM_ID,
                    TAXONOMY_ID,
                    ORGANIZATION_ID,
                    MODIFIED_AFTER,
                    _param(
                        "full", "The fully nested service of each.", {"type": "boolean", "default": False}
                    ),
                    PAGE,
                    PER_PAGE,
                    FORMAT,
                    _param("postcode", "Only locations with this postcode (four digits).", STR),
                    _param(
                        "proximity",
                        "With postcode: only locations within this many meters of the centre of the "
                        "postcode's locations.",
                        NUM,
                    ),
                    MINIMAL,
                ],
            ),
            "/service_at_locations/{id}": _one(
                "One service at a location, with its fully nested service",
                "service_at_location",
                _official("compiled/service_at_location.json"),
            ),
        },
        "components": {
            "responses": {
                "BadRequest": {
                    "description": "An invalid or unknown parameter.",
                    "content": {
                        "application/json": {
                            "schema": _obj(
                                {"error": STR, "parameter": STR, "status": INT},
                                required=("error", "parameter"),
                            )
                        }
                    },
                }
            },
            "schemas": {
                "Page": _obj(
                    {
                        "total_items": INT,
                        "total_pages": INT,
                        "page_number": INT,
                        "size": INT,
                        "first_page": BOOL,
                        "last_page": BOOL,
                        "empty": BOOL,
                    },
                    required=(
                        "total_items",
                        "total_pages",
                        "page_number",
                        "size",
                        "first_page",
                        "last_page",
                        "empty",
                        "contents",
                    ),
                ),
                "service_extension": SERVICE_EXTENSION,
                "schedule_extension": SCHEDULE_EXTENSION,
                "organization_extension": ORGANIZATION_EXTENSION,
            },
        },
    }


@require_GET
def openapi(request):
    return JsonResponse(document(request), json_dumps_params={"ensure_ascii": False})
