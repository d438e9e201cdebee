"""CSV import/export: round trip changes nothing, bad files report every bad row and save nothing."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from tests.tilbud_factories import (
    MunicipalityFactory,
    OfferFactory,
    OrganisationFactory,
    add_location,
    add_phone,
    hours,
)
from tilbud import csv_io
from tilbud.models import Language, Offer, TargetGroup, TaxonomyTerm

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    aarhus = MunicipalityFactory(name="Aarhus", slug="aarhus", code="751")
    org = OrganisationFactory(name="Det Grønlandske Hus, Aarhus", municipality=aarhus)
    first = OfferFactory(
        name="Åben rådgivning", organisation=org, description="Linje 1\nLinje 2; med semikolon, og komma",
        municipalities=[aarhus], categories=[TaxonomyTerm.objects.get(code="socialraadgivning")],
        target_groups=[TargetGroup.objects.get(code="nytilkomne")], languages=list(Language.objects.all()),
        walk_in=True, greenlandic_speaking_staff=True, minimum_age=18, capacity_available=3,
        capacity_maximum=10, capacity_unit="senge", url="https://example.dk/raadgivning",
    )  # fmt: skip
    hours(first, {0: ("08:00", "16:00"), 1: ("08:00", "16:00"), 2: ("08:00", "16:00"), 5: ("22:00", "04:00")})
    add_location(first, latitude="56.157200", longitude="10.210700")
    add_phone(first)
    second = OfferFactory(name="Kaffestuen", organisation=org, assured_date=None, free=False)
    return first, second


def rows(text):
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def state():
    return csv_io.export_csv(Offer.objects.all())


def test_round_trip_export_import_changes_nothing(offers):
    before = state()
    updated = {o.pk: o.updated_at for o in Offer.objects.all()}
    result = csv_io.import_csv(before)
    assert result.ok and result.saved
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert state() == before
    assert {o.pk: o.updated_at for o in Offer.objects.all()} == updated
    assert Offer.objects.count() == 2


def test_export_format(offers):
    exported = rows(state())
    first = next(r for r in exported if r["name"] == "Åben rådgivning")
    assert first["opening_hours"] == "ma-on 08:00-16:00; lø 22:00-04:00"
    assert first["languages"] == "da|en|kl"
    assert first["walk_in"] == "ja" and first["free"] == "ja"
    assert first["description"] == "Linje 1\nLinje 2; med semikolon, og komma"
    assert first["organisation_municipality"] == "aarhus"
    assert list(exported[0].keys()) == csv_io.COLUMNS


def test_reimport_updates_by_id_and_never_duplicates(offers):
    first, _second = offers
    data = rows(state())
    for row in data:
        if row["id"] == str(first.pk):
            row["name"] = "Åben rådgivning og bisidder"
            row["opening_hours"] = "ma-fr 09:00-15:00"
            row["capacity_available"] = "5"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_io.COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows(data)
    result = csv_io.import_csv(out.getvalue())
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    first.refresh_from_db()
    assert first.name == "Åben rådgivning og bisidder"
    assert first.capacity_available == 5
    assert first.schedules.count() == 5
    assert Offer.objects.count() == 2
    assert AuditEvent.objects.filter(action="update", note="CSV import", object_id=str(first.pk)).exists()
    # importing the same file again: nothing new
    again = csv_io.import_csv(out.getvalue())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_new_rows_without_id_are_created_then_matched_by_name(offers):
    text = (
        "name,organisation_name,organisation_municipality,walk_in,opening_hours,municipalities\n"
        'Ny natcafé,"Det Grønlandske Hus, Aarhus",aarhus,ja,ma-sø 00:00-00:00,aarhus\n'
    )
    assert csv_io.import_csv(text).created == 1
    assert csv_io.import_csv(text).unchanged == 1
    offer = Offer.objects.get(name="Ny natcafé")
    assert offer.walk_in and offer.schedules.count() == 7
    assert "natcafé" in offer.search_document.lower()


BAD = (
    "id;name;organisation_id;organisation_name;organisation_municipality;minimum_age;maximum_age;"
    "free;opening_hours;postal_code;address;city;target_groups\n"
    ";God række;;Det Grønlandske Hus, Aarhus;aarhus;;;ja;ma 08:00-16:00;8000;Vej 1;Aarhus C;\n"
    ";;;Det Grønlandske Hus, Aarhus;aarhus;;;ja;;;;;\n"
    ";Ukendt org;;Findes ikke;aarhus;;;ja;;;;;\n"
    ";Alder;;Det Grønlandske Hus, Aarhus;aarhus;30;20;måske;;;;;\n"
    ";Tider;;Det Grønlandske Hus, Aarhus;aarhus;;;ja;mandag 8-16;800;Vej 2;Aarhus;\n"
    ";Målgruppe;;Det Grønlandske Hus, Aarhus;aarhus;;;ja;;;;;rumvæsner\n"
)


def test_bad_csv_reports_every_bad_row_and_saves_nothing(offers):
    before = state()
    result = csv_io.import_csv(BAD)
    assert not result.saved
    assert [row for row, _message in result.errors] == [3, 4, 5, 6, 7]
    messages = dict(result.errors)
    assert "name" in messages[3]
    assert "Organisationen findes ikke" in messages[4]
    assert "maximum_age" in messages[5] and "free" in messages[5]
    assert "opening_hours" in messages[6] and "postal_code" in messages[6]
    assert "rumvæsner" in messages[7]
    assert state() == before
    assert not Offer.objects.filter(name="God række").exists()
    lines = result.error_lines()
    assert lines[0].startswith("Række 3:")


def test_skip_invalid_saves_the_valid_rows(offers):
    result = csv_io.import_csv(BAD, skip_invalid=True)
    assert result.saved and result.created == 1 and len(result.errors) == 5
    assert Offer.objects.filter(name="God række").exists()


def test_unknown_columns_and_duplicate_ids(offers):
    assert csv_io.import_csv("name;farve\nX;blå\n").errors[0][0] == 1
    first, _ = offers
    org = first.organisation_id
    text = f"id,name,organisation_id\n{first.pk},A,{org}\n{first.pk},B,{org}\n"
    result = csv_io.import_csv(text)
    assert [row for row, _ in result.errors] == [3]


def test_management_command(tmp_path, offers):
    path = tmp_path / "tilbud.csv"
    call_command("export_offers", str(path))
    out = io.StringIO()
    call_command("import_offers", str(path), stdout=out)
    assert "unchanged 2" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing saved: 5"):
        call_command("import_offers", str(bad), stderr=err)
    assert "Række 3" in err.getvalue() and "Række 7" in err.getvalue()
    call_command("import_offers", str(bad), "--skip-invalid", stdout=io.StringIO(), stderr=io.StringIO())
    assert Offer.objects.filter(name="God række").exists()


def test_export_of_filtered_list(client, offers):
    response = client.get("/tilbud/eksport.csv", {"q": "kaffestuen"})
    assert response["Content-Type"].startswith("text/csv")
    assert [r["name"] for r in rows(response.content.decode())] == ["Kaffestuen"]
    OfferFactory(name="Hemmeligt", internal=True)
    assert "Hemmeligt" not in response.content.decode()
    assert "Hemmeligt" not in client.get("/tilbud/eksport.csv").content.decode()


def test_admin_import_view(client, make_user, offers):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/tilbud/offer/import-csv/", {"file": io.BytesIO(BAD.encode()), "skip_invalid": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Række 3" in html and "Række 7" in html
    assert not Offer.objects.filter(name="God række").exists()
    export = io.BytesIO(state().encode("utf-8"))
    export.name = "tilbud.csv"
    response = client.post("/admin/tilbud/offer/import-csv/", {"file": export})
    assert response.status_code == 302
    response = client.post(
        "/admin/tilbud/offer/",
        {"action": "export_csv", "_selected_action": [str(o.pk) for o in Offer.objects.all()]},
    )
    assert response["Content-Type"].startswith("text/csv")


def test_export_neutralises_spreadsheet_formulas_and_reads_them_back(offers):
    first, _second = offers
    dangerous = {
        "name": '=HYPERLINK("https://evil.example","Klik")',
        "description": "+SUM(1;2)",
        "application_process": "-2+3",
        "fees_description": "@cmd",
        "eligibility_description": "\tTab først",
    }
    Offer.objects.filter(pk=first.pk).update(**dangerous)
    text = state()
    exported = next(r for r in rows(text) if r["id"] == str(first.pk))
    for column, value in dangerous.items():
        assert exported[column] == "'" + value, column
    assert exported["minimum_age"] == "18"  # a plain number stays a number
    # Re-importing the export changes nothing.
    result = csv_io.import_csv(text)
    assert result.ok and (result.created, result.updated) == (0, 0)
    first.refresh_from_db()
    assert first.name == dangerous["name"] and first.description == dangerous["description"]


def test_neutralise_leaves_plain_numbers_and_text():
    from core.csvsafe import neutralise, restore

    assert neutralise("-51.7") == "-51.7" and neutralise("Tekst - med streg") == "Tekst - med streg"
    assert neutralise("=1+1") == "'=1+1" and neutralise("\r=1") == "'\r=1" and neutralise(None) == ""
    assert restore(neutralise("=1+1")) == "=1+1" and restore("'ikke formel") == "'ikke formel"
