"""The OpenAPI 3.1 document of the read-only HSDS API (served at /api/hsds/openapi.json)."""

from django.urls import reverse

from tilbud.api import DEFAULT_PER_PAGE, HSDS_VERSION, MAX_PER_PAGE


def _param(name, description, schema, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1})
PER_PAGE = _param(
    "per_page",
    f"Items per page (max {MAX_PER_PAGE}).",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
)
SEARCH = _param(
    "search",
    "Danish full-text search (stemming) with typo tolerance (trigram similarity).",
    {"type": "string"},
)
MINIMAL = _param(
    "minimal", "Return only the core fields of each item.", {"type": "boolean", "default": False}
)
FORMAT = _param(
    "format",
    "json (paginated) or ndjson (every matching item, one JSON object per line, no pagination).",
    {"type": "string", "enum": ["json", "ndjson"], "default": "json"},
)
ID = _param("id", "The item's UUID.", {"type": "string", "format": "uuid"}, where="path", required=True)


def _page_of(ref):
    return {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"},
            "size": {"type": "integer"},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": {"$ref": ref}},
        },
    }


def _list(summary, ref, params):
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {
                    "description": "A page of items.",
                    "content": {
                        "application/json": {"schema": _page_of(ref)},
                        "application/x-ndjson": {"schema": {"$ref": ref}},
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }


def _one(summary, ref):
    return {
        "get": {
            "summary": summary,
            "parameters": [ID],
            "responses": {
                "200": {
                    "description": "The item.",
                    "content": {"application/json": {"schema": {"$ref": ref}}},
                },
                "404": {"description": "Not found (or not visible to you)."},
            },
        }
    }


def _obj(properties, required=("id",)):
    return {"type": "object", "required": list(required), "properties": properties}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NSTR, NINT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
UUID = {"type": "string", "format": "uuid"}


def document(request):
    base = request.build_absolute_uri(reverse("hsds:index")).rstrip("/")
    service_params = [
        SEARCH,
        PAGE,
        PER_PAGE,
        _param(
            "taxonomy_term_id",
            "Only services with this category (a main category includes its sub-categories).",
            UUID,
        ),
        _param("organization_id", "Only services of this organization.", UUID),
        _param(
            "modified_after",
            "Only services changed after this ISO 8601 date or date-time.",
            {"type": "string", "format": "date-time"},
        ),
        MINIMAL,
        FORMAT,
        _param("municipality", "Extension: municipality slug served (e.g. aarhus).", STR),
        _param("target_group", "Extension: target group code (e.g. hjemloese).", STR),
        _param("language", "Extension: language code spoken (da, kl, en).", STR),
        _param(
            "open_now", "Extension: only services open (true) or closed (false) right now, Danish time.", BOOL
        ),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Samarbejdsportalen HSDS API",
            "version": HSDS_VERSION,
            "description": (
                "Read-only Open Referral HSDS 3.0 API of the offer directory. Internal offers are only "
                "returned to logged-in users. Unknown or invalid parameters give 400 with "
                '{"error": ..., "parameter": ...}.'
            ),
        },
        "servers": [{"url": base}],
        "paths": {
            "/": {
                "get": {
                    "summary": "API and HSDS version",
                    "responses": {"200": {"description": "Version info."}},
                }
            },
            "/services": _list("Services (offers)", "#/components/schemas/service", service_params),
            "/services/{id}": _one("One service with its nested records", "#/components/schemas/service"),
            "/organizations": _list(
                "Organizations with at least one visible service",
                "#/components/schemas/organization",
                [SEARCH, PAGE, PER_PAGE, MINIMAL, FORMAT, _param("municipality", "Municipality slug.", STR)],
            ),
            "/organizations/{id}": _one(
                "One organization and its services", "#/components/schemas/organization"
            ),
            "/taxonomies": _list(
                "Taxonomies", "#/components/schemas/taxonomy", [SEARCH, PAGE, PER_PAGE, FORMAT, MINIMAL]
            ),
            "/taxonomy_terms": _list(
                "Taxonomy terms (two levels: parent_id is null for main categories)",
                "#/components/schemas/taxonomy_term",
                [
                    SEARCH,
                    PAGE,
                    PER_PAGE,
                    FORMAT,
                    MINIMAL,
                    _param("taxonomy_id", "Only terms of this taxonomy.", UUID),
                    _param("parent_id", "Only children of this term.", UUID),
                    _param("top_only", "Only main categories.", BOOL),
                ],
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
                "organization": _obj(
                    {
                        "id": UUID,
                        "name": STR,
                        "description": STR,
                        "email": NSTR,
                        "website": NSTR,
                        "tax_id": NSTR,
                        "legal_status": STR,
                        "municipality": STR,
                    }
                ),
                "taxonomy": _obj({"id": UUID, "name": STR, "description": STR, "uri": NSTR, "version": NSTR}),
                "taxonomy_term": _obj(
                    {
                        "id": UUID,
                        "code": STR,
                        "name": STR,
                        "description": STR,
                        "parent_id": NSTR,
                        "taxonomy_id": UUID,
                    }
                ),
                "service": _obj(
                    {
                        "id": UUID,
                        "organization_id": UUID,
                        "name": STR,
                        "description": STR,
                        "status": {
                            "type": "string",
                            "enum": ["active", "temporarily_closed", "inactive", "defunct"],
                        },
                        "url": NSTR,
                        "email": NSTR,
                        "application_process": STR,
                        "fees_description": STR,
                        "eligibility_description": STR,
                        "minimum_age": NINT,
                        "maximum_age": NINT,
                        "assured_date": {"type": ["string", "null"], "format": "date"},
                        "last_modified": {"type": "string", "format": "date-time"},
                        "organization": {"$ref": "#/components/schemas/organization"},
                        "phones": {"type": "array", "items": {"type": "object"}},
                        "contacts": {"type": "array", "items": {"type": "object"}},
                        "schedules": {"type": "array", "items": {"type": "object"}},
                        "service_areas": {"type": "array", "items": {"type": "object"}},
                        "service_at_locations": {"type": "array", "items": {"type": "object"}},
                        "languages": {"type": "array", "items": {"type": "object"}},
                        "attributes": {"type": "array", "items": {"type": "object"}},
                        "capacities": {"type": "array", "items": {"type": "object"}},
                        "target_groups": {"type": "array", "items": {"type": "object"}},
                        "walk_in": BOOL,
                        "referral_required": BOOL,
                        "anonymous_allowed": BOOL,
                        "free": BOOL,
                        "greenlandic_speaking_staff": BOOL,
                        "interpreter_available": BOOL,
                    },
                    required=("id", "name", "status", "organization_id"),
                ),
            },
        },
    }
