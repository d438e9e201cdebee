"""The public offer directory as an HSDS 3.0 tabular data package (CSV files + ``datapackage.json``).

For open-data publishing: the records anyone may see (no internal offers), in the tabular form
Open Referral describes (``datapackage.json`` and ``schema/compiled/tabular.json`` of
``openreferral/specification``): one CSV file per table, the nested records of the API flattened
into their tables with their parent's id. The rows are made from the API's own serializers, so the
two forms say the same. The descriptor is Open Referral's (``tilbud/hsds/datapackage.json``), cut
to the tables and columns exported, plus this portal's extension columns (declared with their
types). Served at ``/api/hsds/datapackage.zip`` and written by ``manage.py export_hsds_datapackage``.
"""

import csv
import datetime
import io
import json
import pathlib
import zipfile

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from samarbejde.models import Organisation
from tilbud import api
from tilbud.models import Offer, Taxonomy, TaxonomyTerm

DESCRIPTOR = pathlib.Path(__file__).with_name("hsds") / "datapackage.json"
BATCH = 500

# Resource name → the portal's extension columns of that table and their Table Schema types.
EXTENSIONS = {
    "service": {
        "walk_in": "boolean",
        "referral_required": "boolean",
        "anonymous_allowed": "boolean",
        "free": "boolean",
        "greenlandic_speaking_staff": "boolean",
        "interpreter_available": "boolean",
        "accessibility": "string",
        "capacity_available": "integer",
        "capacity_maximum": "integer",
        "capacity_unit": "string",
        "target_groups": "string",
    },
    "organization": {"kind": "string", "municipality": "string", "last_modified": "datetime"},
    "schedule": {"timezone_name": "string", "closed": "boolean"},
    "service_area": {"code": "string", "slug": "string"},
}
# The order of the tables in the package (parents before children).
RESOURCES = [
    "organization",
    "organization_identifier",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "contact",
    "schedule",
    "service_area",
    "language",
    "required_document",
    "taxonomy",
    "taxonomy_term",
    "attribute",
]
TIME_FIELDS = {"opens_at", "closes_at"}


def official_descriptor() -> dict:
    return json.loads(DESCRIPTOR.read_text(encoding="utf-8"))


def _scalars(record: dict, *, drop=()) -> dict:
    return {k: v for k, v in record.items() if not isinstance(v, list | dict) and k not in drop}


def _service_tables(service: dict, tables: dict):
    """Add one fully nested API service and its nested records to ``tables``."""
    row = _scalars(service, drop={"internal"})
    capacity = (service.get("capacities") or [{}])[0]
    row.update(
        capacity_available=capacity.get("available"),
        capacity_maximum=capacity.get("maximum"),
        capacity_unit=(capacity.get("unit") or {}).get("name"),
        target_groups=",".join(g["code"] for g in service["target_groups"]) or None,
    )
    tables["service"].append(row)
    tables["phone"].extend(_scalars(p) for p in service["phones"])
    for contact in service["contacts"]:
        tables["contact"].append(_scalars(contact))
        tables["phone"].extend(_scalars(p) for p in contact.get("phones", []))
    tables["schedule"].extend(_scalars(s) for s in service["schedules"])
    tables["service_area"].extend(_scalars(a) for a in service["service_areas"])
    tables["language"].extend(_scalars(lang) for lang in service["languages"])
    tables["required_document"].extend(_scalars(d) for d in service["required_documents"])
    tables["attribute"].extend(_scalars(a) for a in service["attributes"])
    for sal in service["service_at_locations"]:
        location = sal["location"]
        tables["service_at_location"].append(_scalars(sal))
        tables["location"].append({**_scalars(location), "organization_id": service["organization_id"]})
        tables["address"].extend(_scalars(a) for a in location["addresses"])


def tables() -> dict[str, list[dict]]:
    """The public directory's rows per HSDS table (resource name → rows of field → value)."""
    result = {name: [] for name in RESOURCES}
    public = Offer.objects.visible_to(AnonymousUser())
    for row in api.service_rows(public.order_by("name", "pk")).iterator(chunk_size=BATCH):
        _service_tables(api.service_json(row), result)
    orgs = Organisation.objects.filter(Exists(public.filter(organisation=OuterRef("pk"))))
    for org in orgs.select_related("municipality").order_by("name", "pk"):
        record = api.organization_json(org)
        result["organization"].append(_scalars(record))
        result["organization_identifier"].extend(
            _scalars(i) for i in record.get("organization_identifiers", [])
        )
        result["phone"].extend(_scalars(p) for p in record.get("phones", []))
    result["taxonomy"] = [api.taxonomy_json(t) for t in Taxonomy.objects.order_by("name", "pk")]
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "pk")
    result["taxonomy_term"] = [api.term_json(t) for t in terms]
    for name in ("organization", "taxonomy", "taxonomy_term"):
        for row in result[name]:
            # The tabular form requires a description (an empty CSV cell is a missing value).
            row["description"] = row.get("description") or row["name"]
    return result


def _columns(resource: dict, rows: list[dict], extensions: dict) -> list[str]:
    """The official fields that any row has (in the official order), then the extension fields."""
    present = {key for row in rows for key in row}
    official = [f["name"] for f in resource["schema"]["fields"]]
    required = {f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("required")}
    columns = [name for name in official if name in present or name in required]
    return columns + [name for name in extensions if name in present]


def descriptor(columns_by_resource: dict[str, list[str]]) -> dict:
    """Open Referral's descriptor cut to these resources and columns, with the extension fields."""
    official = {r["name"]: r for r in official_descriptor()["resources"]}
    resources = []
    for name, columns in columns_by_resource.items():
        resource = json.loads(json.dumps(official[name]))
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        extensions = EXTENSIONS.get(name, {})
        resource["schema"]["fields"] = [
            fields.get(column)
            or {"name": column, "type": extensions[column], "description": "Extension of Samarbejdsportalen."}
            for column in columns
        ]
        foreign_keys = [
            fk
            for fk in resource["schema"].get("foreignKeys", [])
            if fk["fields"] in columns and fk["reference"]["resource"] in columns_by_resource
        ]
        resource["schema"].pop("foreignKeys", None)
        if foreign_keys:
            resource["schema"]["foreignKeys"] = foreign_keys
        resources.append(resource)
    return {
        "name": "samarbejdsportalen-tilbud",
        "title": "Samarbejdsportalen – tilbudsoversigt (HSDS 3.0)",
        "description": (
            "The public offers of the Samarbejdsportalen directory in the tabular form of Open "
            "Referral's Human Services Data Specification 3.0."
        ),
        "profile": "tabular-data-package",
        "version": api.HSDS_VERSION,
        "created": _cell(timezone.now(), "created"),
        "homepage": api.HSDS_PROFILE,
        "sources": [
            {
                "title": "Human Services Data Specification: an Open Referral resource",
                "path": "https://openreferral.org/",
            }
        ],
        "resources": resources,
    }


def _cell(value, column):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if column in TIME_FIELDS and len(value) == 5:
        return f"{value}:00"
    return str(value)


def files() -> dict[str, bytes]:
    """``{file name: contents}`` of the package: each table's CSV file and ``datapackage.json``."""
    rows_by_resource = tables()
    official = {r["name"]: r for r in official_descriptor()["resources"]}
    columns_by_resource = {
        name: _columns(official[name], rows, EXTENSIONS.get(name, {}))
        for name, rows in rows_by_resource.items()
    }
    package = descriptor(columns_by_resource)
    result = {}
    for resource in package["resources"]:
        columns = columns_by_resource[resource["name"]]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows_by_resource[resource["name"]]:
            writer.writerow([_cell(row.get(column), column) for column in columns])
        result[resource["path"]] = out.getvalue().encode("utf-8")
    result["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    return result


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files().items():
            archive.writestr(name, content)
    return buffer.getvalue()


@require_GET
def download(request):
    """The public directory as an HSDS tabular data package (a zip file)."""
    response = HttpResponse(zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="hsds-datapackage.zip"'
    return response
