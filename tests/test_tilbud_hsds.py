"""The HSDS API and data package against Open Referral's own HSDS 3.0 schemas (vendored in
tests/hsds_schemas, see its README): every record of the demo data and of a generated directory,
through every endpoint, list and detail, minimal and full, JSON and ndjson; the OpenAPI document
against the structure of the official one; the tabular data package against the official
descriptor and the compiled tabular schema. Each check collects every error and fails listing all.
"""

import csv
import datetime
import functools
import io
import json
import math
import pathlib
import uuid
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from tests.tilbud_factories import bulk_offers, generated_directory
from tilbud import datapackage
from tilbud.models import Location, Offer

pytestmark = pytest.mark.django_db
SCHEMAS = pathlib.Path(__file__).with_name("hsds_schemas")
FORMATS = {"uuid", "date", "date-time", "uri", "email"}


@functools.cache
def schema(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@functools.cache
def validator(name):
    checker = Draft202012Validator.FORMAT_CHECKER
    assert set(checker.checkers) >= FORMATS, f"formats not checked: {FORMATS - set(checker.checkers)}"
    return Draft202012Validator(schema(name), format_checker=checker)


def errors_of(name, record, where):
    return [
        f"{where} [{name}] {'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}"
        for error in validator(name).iter_errors(record)
    ]


def fail_on(errors):
    if errors:
        pytest.fail(f"{len(errors)} HSDS schema errors:\n" + "\n".join(errors), pytrace=False)


# --- what each endpoint must validate against -------------------------------------------------
SERVICE, SERVICE_LIST = "compiled/service.json", "compiled/service_list.json"
ORGANIZATION, ORGANIZATION_LIST = "compiled/organization.json", "compiled/organization_list.json"
SAL, SAL_LIST = "compiled/service_at_location.json", "compiled/service_at_location_list.json"
TAXONOMY, TERM = "taxonomy.json", "taxonomy_term.json"

# (list path, query parameters, schemas of each record, detail path or None)
LISTS = [
    ("services", {}, [SERVICE_LIST, SERVICE], "services"),
    ("services", {"full": "false"}, [SERVICE_LIST], None),
    ("services", {"minimal": "true"}, [SERVICE_LIST], None),
    ("organizations", {}, [ORGANIZATION_LIST], "organizations"),
    ("organizations", {"full": "true"}, [ORGANIZATION_LIST, ORGANIZATION], None),
    ("organizations", {"full_service": "true"}, [ORGANIZATION_LIST, ORGANIZATION], None),
    ("organizations", {"minimal": "true"}, [ORGANIZATION_LIST], None),
    ("taxonomies", {}, [TAXONOMY], "taxonomies"),
    ("taxonomies", {"minimal": "true"}, [TAXONOMY], None),
    ("taxonomy_terms", {}, [TERM], "taxonomy_terms"),
    ("taxonomy_terms", {"minimal": "true"}, [TERM], None),
    ("service_at_locations", {}, [SAL_LIST], "service_at_locations"),
    ("service_at_locations", {"full": "true"}, [SAL_LIST, SAL], None),
    ("service_at_locations", {"minimal": "true"}, [SAL_LIST], None),
]
DETAILS = {
    "services": [({}, [SERVICE])],
    "organizations": [({}, [ORGANIZATION]), ({"full_service": "true"}, [ORGANIZATION])],
    "taxonomies": [({}, [TAXONOMY])],
    "taxonomy_terms": [({}, [TERM])],
    "service_at_locations": [({}, [SAL])],
}


def official_page_schema():
    page = schema("openapi.json")["components"]["schemas"]["Page"]
    return {**page, "required": [*page["properties"], "contents"]}


def check_api(client):
    """Every record of every endpoint, list and detail, JSON and ndjson: the errors found."""
    errors, seen = [], 0
    page_validator = Draft202012Validator(official_page_schema())
    index = client.get("/api/hsds/").json()
    index_schema = schema("openapi.json")["paths"]["/"]["get"]["responses"]["200"]["content"]
    errors += [
        f"/ : {e.message}"
        for e in Draft202012Validator(
            index_schema["application/json"]["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(index)
    ]
    for path, params, names, detail in LISTS:
        ids, page, records = [], 1, []
        while True:
            response = client.get(f"/api/hsds/{path}", {**params, "per_page": 100, "page": page})
            assert response.status_code == 200, (path, params, response.content[:300])
            body = response.json()
            errors += [f"{path} page {page}: {e.message}" for e in page_validator.iter_errors(body)]
            records += body["contents"]
            if body["last_page"]:
                break
            page += 1
        streamed = client.get(f"/api/hsds/{path}", {**params, "format": "ndjson"})
        lines = [json.loads(line) for line in b"".join(streamed.streaming_content).decode().splitlines()]
        if [r["id"] for r in lines] != [r["id"] for r in records]:
            errors.append(f"{path} {params}: ndjson and pages list different records")
        for kind, items in (("json", records), ("ndjson", lines)):
            for record in items:
                for name in names:
                    errors += errors_of(name, record, f"{path}?{params} {kind} {record.get('id')}")
        seen += len(records)
        ids = [r["id"] for r in records]
        for query, detail_names in DETAILS.get(detail, []) if detail else []:
            for pk in ids:
                response = client.get(f"/api/hsds/{detail}/{pk}", query)
                assert response.status_code == 200, (detail, pk, response.content[:300])
                for name in detail_names:
                    errors += errors_of(name, response.json(), f"{detail}/{pk}?{query}")
                seen += 1
    return errors, seen


@pytest.fixture(params=["demo", "generated"])
def directory(request, settings, client, make_user):
    """The demo data or a generated directory, and a logged-in client (internal offers too)."""
    if request.param == "demo":
        settings.DEBUG = True
        call_command("seed_demo", stdout=io.StringIO())
    else:
        generated_directory()
    client.force_login(make_user())
    return client


def test_every_record_of_every_endpoint_validates(directory):
    errors, seen = check_api(directory)
    assert seen > 100
    assert Location.objects.exists() and Offer.objects.filter(internal=True).exists()
    fail_on(errors)


def test_formats_are_checked_and_nulls_rejected():
    """The validator catches the four kinds of mistakes of issue 25 (so a pass means something)."""
    bad = {
        "id": "not-a-uuid",
        "name": "X",
        "status": "temporarily_closed",
        "url": "not a uri",
        "email": "no-at-sign",
        "assured_date": "2026-13-45",
        "alternate_name": None,
        "last_modified": "yesterday",
        "languages": [{"code": "kl"}],
        "schedules": [{"id": str(uuid.uuid4()), "timezone": "Europe/Copenhagen"}],
        "attributes": [{"id": str(uuid.uuid4()), "taxonomy_term": {"id": str(uuid.uuid4()), "name": "a",
                                                                   "description": "", "taxonomy": None}}],
    }  # fmt: skip
    messages = "\n".join(errors_of(SERVICE, bad, "bad"))
    for fragment in ["'not-a-uuid' is not a 'uuid'", "'not a uri' is not a 'uri'", "is not a 'email'",
                     "'yesterday' is not a 'date-time'", "None is not of type 'string'",
                     "'id' is a required property", "'Europe/Copenhagen' is not of type 'number'",
                     "'temporarily_closed' is not one of"]:  # fmt: skip
        assert fragment in messages, fragment


def test_nested_ids_are_stable_and_unique(client):
    generated_directory(8)
    first = client.get("/api/hsds/services", {"per_page": 100}).json()["contents"]
    again = client.get("/api/hsds/services", {"per_page": 100}).json()["contents"]
    assert first == again

    def ids(value):
        if isinstance(value, dict):
            own = [value["id"]] if "id" in value and isinstance(value["id"], str) else []
            # A taxonomy term is shared, not nested: its id is the term's own.
            return own + [i for k, v in value.items() if k != "taxonomy_term" for i in ids(v)]
        if isinstance(value, list):
            return [i for v in value for i in ids(v)]
        return []

    nested = [
        i
        for record in first
        for key in ("languages", "service_areas", "required_documents", "attributes", "contacts", "phones")
        for i in ids(record[key])
    ]
    assert len(nested) > 20
    assert len(nested) == len(set(nested)), "a nested id is used twice"


def test_schedules_addresses_and_extensions(client):
    generated_directory(12)
    records = client.get("/api/hsds/services", {"per_page": 100}).json()["contents"]
    schedules = [s for r in records for s in r["schedules"]]
    july = [s for s in schedules if s.get("valid_from") == "2026-07-01"]
    december = [s for s in schedules if s.get("valid_from") == "2026-12-24"]
    assert july and all(s["timezone"] == 2 for s in july)  # summer time
    assert december and all(s["timezone"] == 1 and s["closed"] for s in december)
    assert all(s["timezone_name"] == "Europe/Copenhagen" for s in schedules)
    assert all("opens_at" not in s for s in december)
    addresses = {
        a["postal_code"]: a["state_province"]
        for r in records
        for sal in r["service_at_locations"]
        for a in sal["location"]["addresses"]
        if r["organization"]["municipality"] == "testkommune"  # no real municipality code: by postcode
    }
    expected = {
        "8000": "Region Midtjylland",
        "2100": "Region Hovedstaden",
        "5000": "Region Syddanmark",
        "9000": "Region Nordjylland",
        "4000": "Region Sjælland",
        "6700": "Region Syddanmark",
    }
    assert addresses and all(expected[code] == region for code, region in addresses.items())
    aarhus = [a for r in records if r["organization"]["municipality"] == "aarhus"
              for sal in r["service_at_locations"] for a in sal["location"]["addresses"]]  # fmt: skip
    assert aarhus and {a["state_province"] for a in aarhus} == {"Region Midtjylland"}
    assert any(r["greenlandic_speaking_staff"] for r in records)
    assert any(r["interpreter_available"] and r["interpretation_services"] for r in records)
    assert any(r["capacities"] for r in records)
    assert all(isinstance(a["taxonomy_term"]["taxonomy"], str) for r in records for a in r["attributes"])


# --- service_at_locations -----------------------------------------------------------------------
def test_service_at_locations_filters(client):
    offers = generated_directory(12)
    all_sal = client.get("/api/hsds/service_at_locations", {"per_page": 100}).json()
    located = [o for o in offers if o.locations.exists() and not o.internal]
    assert all_sal["total_items"] == sum(o.locations.count() for o in located)
    by_postcode = client.get("/api/hsds/service_at_locations", {"postcode": "8000", "per_page": 100}).json()
    assert by_postcode["contents"] and all(
        r["location"]["addresses"][0]["postal_code"] == "8000" for r in by_postcode["contents"]
    )

    # Within the distance of the centre of 9000's located places (whatever their postcode);
    # 8000's places have no coordinates, so 8000 gives its own places.
    def near(postcode, meters):
        params = {"postcode": postcode, "proximity": meters, "per_page": 100}
        return client.get("/api/hsds/service_at_locations", params).json()["total_items"]

    located = Location.objects.filter(latitude__isnull=False, offer__internal=False)
    ninety = [loc for loc in located if loc.postal_code == "9000"]
    centre = (sum(loc.latitude for loc in ninety) / 2, sum(loc.longitude for loc in ninety) / 2)

    def within(meters):
        lat1, lon1 = (math.radians(float(x)) for x in centre)
        return sum(
            6371000 * math.acos(min(1, math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
                                    + math.sin(lat1) * math.sin(lat2))) <= meters
            for lat2, lon2 in ((math.radians(loc.latitude), math.radians(loc.longitude)) for loc in located)
        )  # fmt: skip

    assert len(ninety) == 2
    assert [near("9000", str(m)) for m in (1, 3000, 5000, 500000)] == [
        within(m) for m in (1, 3000, 5000, 500000)
    ]
    assert within(3000) < within(5000) < within(500000) == located.count()
    assert near("8000", "1") == by_postcode["total_items"]
    one = all_sal["contents"][0]
    detail = client.get(f"/api/hsds/service_at_locations/{one['id']}").json()
    assert detail["service"]["id"] == one["service_id"] and "schedules" in detail["service"]
    assert client.get(f"/api/hsds/service_at_locations/{uuid.uuid4()}").status_code == 404
    bad = client.get("/api/hsds/service_at_locations", {"proximity": "100"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "proximity"
    internal = Location.objects.filter(offer__internal=True).first()
    assert internal and client.get(f"/api/hsds/service_at_locations/{internal.pk}").status_code == 404


def test_taxonomy_id_and_full_filters(client):
    generated_directory(10)
    term = client.get("/api/hsds/taxonomy_terms").json()["contents"][0]
    with_taxonomy = client.get("/api/hsds/services", {"taxonomy_id": term["taxonomy_id"], "per_page": 100})
    expected = Offer.objects.filter(internal=False, categories__taxonomy_id=term["taxonomy_id"]).distinct()
    assert with_taxonomy.json()["total_items"] == expected.count() > 0
    flat = client.get("/api/hsds/services", {"full": "false"}).json()["contents"][0]
    assert "organization" in flat and "schedules" not in flat
    org = client.get("/api/hsds/organizations", {"full_service": "true"}).json()["contents"][0]
    assert org["services"] and "schedules" in org["services"][0]
    assert client.get(f"/api/hsds/taxonomies/{term['taxonomy_id']}").json()["id"] == term["taxonomy_id"]
    assert client.get(f"/api/hsds/taxonomy_terms/{term['id']}").json()["name"] == term["name"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("services", {"full": "false"}),
        ("organizations", {"full": "true"}),
        ("organizations", {"full_service": "true"}),
        ("service_at_locations", {}),
        ("service_at_locations", {"full": "true", "per_page": "100"}),
    ],
)
def test_list_query_counts_do_not_grow(client, django_assert_num_queries, path, params):
    offers = generated_directory(6)
    organisation = offers[0].organisation

    def grow(n):
        for offer in bulk_offers(n, organisation=organisation, name=f"Vækst {n}"):
            Location.objects.create(offer=offer, address="Vej 1", postal_code="8000", city="Aarhus C")

    grow(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/hsds/{path}", params).status_code == 200
    grow(150)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(f"/api/hsds/{path}", params)


# --- OpenAPI ------------------------------------------------------------------------------------
def _parameters(document, path_item, operation):
    def resolve(param):
        if "$ref" in param:
            name = param["$ref"].rsplit("/", 1)[1]
            return document["components"]["parameters"][name]
        return param

    return {
        (p["name"], p["in"]): p.get("required", False)
        for p in map(resolve, [*path_item.get("parameters", []), *operation.get("parameters", [])])
    }


def _official_refs(value):
    if isinstance(value, dict):
        own = (
            [value["$ref"].rsplit("/schema/", 1)[1]]
            if str(value.get("$ref", "")).startswith("https://")
            else []
        )
        return own + [r for v in value.values() for r in _official_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _official_refs(v)]
    return []


def test_openapi_has_the_official_paths_and_parameters(client):
    official = schema("openapi.json")
    ours = client.get("/api/hsds/openapi.json").json()
    problems = []
    for path, item in official["paths"].items():
        if path not in ours["paths"]:
            problems.append(f"missing path {path}")
            continue
        for method, operation in item.items():
            if method == "parameters":
                continue
            mine = ours["paths"][path].get(method)
            if mine is None:
                problems.append(f"missing {method.upper()} {path}")
                continue
            expected = _parameters(official, item, operation)
            have = _parameters(ours, ours["paths"][path], mine)
            for key, required in expected.items():
                if key not in have:
                    problems.append(f"{method.upper()} {path}: missing parameter {key}")
                elif have[key] != required:
                    problems.append(f"{method.upper()} {path}: parameter {key} required={have[key]}")
            official_schemas = set(_official_refs(operation["responses"]["200"]))
            my_schemas = set(_official_refs(mine["responses"]["200"]))
            # The official document gives the service schema for /service_at_locations/{id}, whose
            # records are service_at_locations; ours names the service_at_location schema.
            if path == "/service_at_locations/{id}":
                official_schemas = {"compiled/service_at_location.json"}
            if official_schemas != my_schemas:
                problems.append(f"{path}: response schemas {my_schemas} ≠ official {official_schemas}")
            problems += [
                f"{path}: {name} not vendored" for name in my_schemas if not (SCHEMAS / name).exists()
            ]
    assert not problems, "\n".join(problems)
    assert set(official["components"]["schemas"]["Page"]["properties"]) <= set(
        ours["components"]["schemas"]["Page"]["properties"]
    )


# --- data package -------------------------------------------------------------------------------
def _typed(value, field_type):
    if field_type == "number":
        return float(value)
    if field_type == "integer":
        return int(value)
    if field_type == "boolean":
        return {"true": True, "false": False}[value]
    return value


def _check_datatype(value, datapackage_type):
    if datapackage_type == "date":
        datetime.date.fromisoformat(value)
    elif datapackage_type == "time":
        datetime.datetime.strptime(value, "%H:%M:%S")
    elif datapackage_type == "datetime":
        datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def check_datapackage(files):
    """Every CSV row against the official descriptor and the compiled tabular schema."""
    problems = []
    package = json.loads(files["datapackage.json"])
    official = {r["name"]: r for r in schema("datapackage.json")["resources"]}
    tabular = schema("compiled/tabular.json")["properties"]
    checker = Draft202012Validator.FORMAT_CHECKER
    assert package["profile"] == "tabular-data-package"
    keys = {}
    rows_of = {}
    for resource in package["resources"]:
        name = resource["name"]
        reference = official[name]
        assert resource["path"] == reference["path"]
        official_fields = {f["name"]: f for f in reference["schema"]["fields"]}
        for field in resource["schema"]["fields"]:
            if field["name"] in official_fields and field != official_fields[field["name"]]:
                problems.append(f"{name}.{field['name']}: field definition differs from the official one")
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        item = tabular[name]["items"]
        row_validator = Draft202012Validator(item, format_checker=checker)
        reader = csv.DictReader(io.StringIO(files[resource["path"]].decode("utf-8"), newline=""))
        if reader.fieldnames != list(fields):
            problems.append(f"{resource['path']}: header {reader.fieldnames} ≠ descriptor {list(fields)}")
        rows = list(reader)
        rows_of[name] = rows
        for number, row in enumerate(rows, start=2):
            where = f"{resource['path']}:{number}"
            typed = {}
            for column, value in row.items():
                field = fields[column]
                constraints = field.get("constraints", {})
                if value == "":
                    if constraints.get("required"):
                        problems.append(f"{where}: required {column} is empty")
                    continue
                try:
                    typed[column] = _typed(
                        value, item["properties"].get(column, {}).get("type", field["type"])
                    )
                    _check_datatype(value, field["type"])
                except (ValueError, KeyError) as error:
                    problems.append(f"{where}: {column}={value!r} is not a {field['type']} ({error})")
                if "enum" in constraints and value not in constraints["enum"]:
                    problems.append(f"{where}: {column}={value!r} not in {constraints['enum']}")
            problems += [
                f"{where} {'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in row_validator.iter_errors(typed)
            ]
            problems += [
                f"{where}: {column} (tabular_required) is empty"
                for column in item.get("tabular_required", [])
                if column in fields and not row[column]
            ]
        for column, field in fields.items():
            if field.get("constraints", {}).get("unique"):
                values = [row[column] for row in rows if row[column]]
                if len(values) != len(set(values)):
                    problems.append(f"{resource['path']}: {column} values are not unique")
        keys[name] = {row["id"] for row in rows}
    for resource in package["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            target = keys[fk["reference"]["resource"]]
            missing = {row[fk["fields"]] for row in rows_of[resource["name"]] if row[fk["fields"]]} - target
            if missing:
                problems.append(
                    f"{resource['path']}: {fk['fields']} not in {fk['reference']['resource']}: {missing}"
                )
    return problems, package


@pytest.mark.parametrize("source", ["demo", "generated"])
def test_datapackage_validates(settings, source):
    if source == "demo":
        settings.DEBUG = True
        call_command("seed_demo", stdout=io.StringIO())
    else:
        generated_directory()
    files = datapackage.files()
    problems, package = check_datapackage(files)
    assert not problems, f"{len(problems)} data package errors:\n" + "\n".join(problems)
    names = {r["name"] for r in package["resources"]}
    assert {"organization", "service", "location", "service_at_location", "address", "schedule", "phone",
            "language", "attribute", "taxonomy", "taxonomy_term"} <= names  # fmt: skip
    services = list(csv.DictReader(io.StringIO(files["services.csv"].decode())))
    public = Offer.objects.filter(internal=False)
    assert {row["id"] for row in services} == {str(pk) for pk in public.values_list("pk", flat=True)}
    assert "greenlandic_speaking_staff" in services[0] and "capacity_available" in services[0]


def test_datapackage_download_and_command(client, tmp_path):
    generated_directory(6)
    response = client.get("/api/hsds/datapackage.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    from_zip = {name: archive.read(name) for name in archive.namelist()}
    problems, _package = check_datapackage(from_zip)
    assert not problems, "\n".join(problems)
    call_command("export_hsds_datapackage", str(tmp_path / "out"), stdout=io.StringIO())
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert written == set(from_zip)
    call_command("export_hsds_datapackage", str(tmp_path / "out.zip"), stdout=io.StringIO())
    assert set(zipfile.ZipFile(tmp_path / "out.zip").namelist()) == set(from_zip)
