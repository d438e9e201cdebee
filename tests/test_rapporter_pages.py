"""Report pages: who sees which, what they show (aggregates only, small cells hidden), the
exports, the filters and a fixed number of queries that read only the summary tables."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rapporter.access import ANALYST_GROUP
from rapporter.compute import compute_reports
from rapporter.forms import ReportFilterForm
from rapporter.models import MonthlyFigures
from rapporter.reports import municipality_report, national_report
from samarbejde.models import Municipality
from tests import report_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    built = report_fixture.build(world)
    compute_reports()
    return built


@pytest.fixture
def analyst(make_user):
    user = make_user(full_name="Nanna Analytiker")
    user.groups.add(Group.objects.get(name=ANALYST_GROUP))
    return user


def _filters(**query):
    return ReportFilterForm(query or None).filters()


def _all_cells(report):
    return [cell for table in report.all_tables() for _label, cells in table.rows for cell in cells]


def test_counts_under_five_are_never_shown(world, data):
    for report in (municipality_report(world.municipality, _filters()), national_report(_filters())):
        shown = [cell for cell in _all_cells(report) if cell.is_count and not cell.hidden]
        assert all(cell.value >= 5 for cell in shown)
        assert any(cell.hidden and cell.text == "< 5" for cell in _all_cells(report))


def test_municipality_page_shows_its_figures(client, world, data):
    client.force_login(world.caseworker)
    response = client.get(reverse("rapporter:municipality", args=[world.municipality.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "<script" not in body.split("<footer")[0].split("<main")[1]
    # Five cases open at the end of M1 and M2 (shown); two with a coordinator (hidden, and so is
    # the complement: three without).
    table = next(t for t in response.context["report"].tables if t.slug == "fidelity")
    m1 = dict(table.rows)[report_fixture_label(data.m1)]
    assert m1[0].text == "5" and m1[1].text == "< 5"
    for secret in ("Rapportborger", world.citizen.full_name, "Tove Tovholder", "Ingen plads"):
        assert secret not in body


def report_fixture_label(month):
    from rapporter.reports import month_label

    return month_label(month)


def test_who_sees_which_report(client, world, data, analyst):
    aarhus = reverse("rapporter:municipality", args=[world.municipality.slug])
    national = reverse("rapporter:national")
    client.force_login(world.odense_caseworker)
    assert client.get(aarhus).status_code == 404
    assert client.get(national).status_code == 404
    client.force_login(world.coordinator)
    assert client.get(aarhus).status_code == 404
    client.force_login(world.administrator)
    assert client.get(aarhus).status_code == 200
    client.force_login(analyst)
    assert client.get(national).status_code == 200
    assert client.get(aarhus).status_code == 200


def test_national_page_compares_municipalities_without_names(client, world, data, analyst):
    client.force_login(analyst)
    response = client.get(reverse("rapporter:national"))
    body = response.content.decode()
    assert "Aarhus" in body and "Odense" in body and "Hele landet" in body
    for secret in ("Rapportborger", "Odenseborger", world.citizen.full_name, "Tove Tovholder"):
        assert secret not in body


def test_exports_hide_the_same_cells(client, world, data):
    client.force_login(world.caseworker)
    report = municipality_report(world.municipality, _filters())
    expected = [[label, *[c.text for c in cells]] for t in report.all_tables() for label, cells in t.rows]
    url = reverse("rapporter:municipality_export", args=[world.municipality.slug, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    for line in expected:
        assert line in rows
    url = reverse("rapporter:municipality_export", args=[world.municipality.slug, "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    cells = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "< 5" in cells
    shown_counts = [c.value for c in _all_cells(report) if c.is_count and not c.hidden]
    assert all(value >= 5 for value in shown_counts)
    assert (
        client.get(
            reverse("rapporter:municipality_export", args=[world.municipality.slug, "pdf"])
        ).status_code
        == 404
    )


def test_filters_and_bad_input(client, world, data):
    client.force_login(world.caseworker)
    url = reverse("rapporter:municipality", args=[world.municipality.slug])
    response = client.get(
        url, {"start": "sidste år", "target_group": "unge", "organisation_kind": "frivillig"}
    )
    assert response.status_code == 200
    assert "Skriv måneden som ÅÅÅÅ-MM" in response.content.decode()
    assert 'value="sidste år"' in response.content.decode()  # what was typed stays
    response = client.get(url, {"start": data.m2.strftime("%Y-%m"), "end": data.m1.strftime("%Y-%m")})
    assert len(next(t for t in response.context["report"].tables if t.slug == "fidelity").rows) == 2


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_pages_read_only_the_summary_tables_in_a_fixed_number_of_queries(client, world, data, analyst):
    client.force_login(analyst)
    pages = [reverse("rapporter:national"), reverse("rapporter:municipality", args=[world.municipality.slug])]
    small = {url: _queries(client, url) for url in pages}
    # Many more municipalities and summary rows.
    for i in range(20):
        municipality = Municipality.objects.create(name=f"Kommune {i}", slug=f"kommune-{i}", code=f"9{i:02d}")
        MonthlyFigures.objects.bulk_create(
            MonthlyFigures(
                municipality=municipality,
                month=data.m1,
                open_cases=10 + i,
                transfers_in=i,
                declined_other=i,
                channels=i,
                channels_review_overdue=i // 2,
                computed_at=data.cases[1].created_at,
            )
            for _ in range(1)
        )
    for url in pages:
        assert len(_queries(client, url)) < len(small[url])  # the figures' rendering is cached
        body_key = client.get(url).context["body_key"]
        cache.delete(make_template_fragment_key("report_body", [body_key, "da"]))  # read them again
        large = _queries(client, url)
        assert len(large) == len(small[url]), url
        # (The layout's own nav count of the analyst's duties, run with the unread notifications,
        # is not report data.)
        report_sql = [sql for sql in large if "core_notification" not in sql]
        assert not [sql for sql in report_sql if "borgerforloeb_" in sql], url
        # The framework's review figures come from the summary rows too, not the framework tables.
        framework = ("samarbejde_channel", "samarbejde_frameworkdocument", "tilbud_")
        assert not [sql for sql in report_sql if any(t in sql for t in framework)], url


def test_transfers_are_shown_suppressed_on_both_pages_and_exports(client, world, data, analyst):
    from rapporter.reports import month_label

    report = municipality_report(world.municipality, _filters())
    table = next(t for t in report.tables if t.slug == "transfers")
    m1 = dict(table.rows)[month_label(data.m1)]
    # Two sent, one declined: under 5, hidden, and so is the median of those received.
    assert [c.text for c in m1] == ["< 5"] * 5
    national = national_report(_filters())
    comparison = next(t for t in national.tables if t.slug == "transfer_comparison")
    assert {c.text for _label, cells in comparison.rows for c in cells} == {"< 5"}
    monthly = next(t for t in national.tables if t.slug == "national_transfers")
    assert [c.text for c in dict(monthly.rows)[month_label(data.m1)]] == ["< 5", "< 5", "< 5"]
    client.force_login(analyst)
    body = client.get(reverse("rapporter:national")).content.decode()
    assert "Overdragelser mellem kommuner i perioden per kommune" in body
    assert "Ikke bosat her" not in body
    url = reverse("rapporter:national_export", args=["csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert [month_label(data.m1), "< 5", "< 5", "< 5"] in rows


def test_transfers_of_five_or_more_are_shown_with_their_median(world, data):
    from borgerforloeb.models import Case, CaseTransfer, Citizen
    from rapporter.reports import month_label

    aarhus, odense = world.municipality, world.other_municipality
    for days in (1, 2, 3, 20):
        citizen = Citizen.objects.create(full_name="Flytter", municipality=odense, target_groups=[])
        case = Case.objects.create(citizen=citizen, municipality=odense, start_date=data.m2)
        CaseTransfer.objects.create(
            case=case,
            from_municipality=odense,
            to_municipality=aarhus,
            move_date=data.m1,
            status="accepted",
            started_at=report_fixture.at(data.m1, 1),
            accepted_at=report_fixture.at(data.m1, 1 + days),
        )
    compute_reports(full=True)
    report = municipality_report(aarhus, _filters())
    table = next(t for t in report.tables if t.slug == "transfers")
    # Aarhus received four (the fixture has none to Aarhus): under 5, hidden; one more shows them.
    assert dict(table.rows)[month_label(data.m1)][1].text == "< 5"
    citizen = Citizen.objects.create(full_name="Flytter", municipality=odense, target_groups=[])
    case = Case.objects.create(citizen=citizen, municipality=odense, start_date=data.m2)
    CaseTransfer.objects.create(
        case=case,
        from_municipality=odense,
        to_municipality=aarhus,
        move_date=data.m1,
        status="accepted",
        started_at=report_fixture.at(data.m1, 1),
        accepted_at=report_fixture.at(data.m1, 6),
    )
    compute_reports(full=True)
    report = municipality_report(aarhus, _filters())
    table = next(t for t in report.tables if t.slug == "transfers")
    m1 = dict(table.rows)[month_label(data.m1)]
    # Five received after 1, 2, 3, 5 and 20 days: median 3.
    assert (m1[1].text, m1[4].text) == ("5", "3")


def test_declines_by_kind_of_reason_are_shown_suppressed(client, world, data, analyst):
    from borgerforloeb.models import Effort

    def declines(report):
        table = next(t for t in report.tables if t.slug == "declines_by_reason")
        return {label: cells[0].text for label, cells in table.rows}

    # The fixture's one decline (no capacity): hidden.
    shown = declines(municipality_report(world.municipality, _filters()))
    assert shown["Ingen ledig kapacitet"] == "< 5" and shown["Afvist i alt"] == "< 5"
    # Seven more, outside the target group, and one declined before kinds were recorded.
    for kind in ["outside_target_group"] * 7 + [""]:
        Effort.objects.create(
            case=data.cases[4],
            title="Henvisning",
            receiving_organisation=world.voluntary,
            status=Effort.Status.DECLINED,
            decline_reason="Fritekst om borgeren",
            decline_reason_kind=kind,
            responsible=world.coordinator,
            referred_at=report_fixture.at(data.m1, 9),
            answered_at=report_fixture.at(data.m1, 10),
        )
    compute_reports()
    shown = declines(municipality_report(world.municipality, _filters()))
    assert shown["Uden for målgruppen"] == "7"
    # Nine declined, but hidden: with the period's answered referrals published, it would give
    # away the one accepted (answered − declined).
    assert shown["Afvist i alt"] == "< 5"
    assert shown["Ingen ledig kapacitet"] == "< 5"
    assert shown["Ikke angivet (afvist før årsagen blev registreret)"] == "< 5"
    assert declines(national_report(_filters()))["Uden for målgruppen"] == "7"
    client.force_login(analyst)
    body = client.get(reverse("rapporter:municipality", args=[world.municipality.slug])).content.decode()
    assert "Afviste henvisninger i perioden efter årsag" in body and "Fritekst om borgeren" not in body


def test_framework_review_figures_are_shown_without_suppression(client, world, data, analyst):
    import datetime

    from django.utils import timezone

    from samarbejde.models import Channel

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for topic in ("Tolk", "Bolig"):
        Channel.objects.create(
            municipality=world.municipality,
            topic=topic,
            way="telefon",
            contact_details="1",
            review_due=yesterday,
        )
    Channel.objects.create(
        municipality=world.municipality, topic="Sundhed", way="telefon", contact_details="1"
    )
    compute_reports()
    report = municipality_report(world.municipality, _filters())
    table = next(t for t in report.tables if t.slug == "framework_review")
    assert [[c.text for c in cells] for _label, cells in table.rows] == [["3", "2"], ["0", "0"]]
    assert "rammedata" in table.note
    national = national_report(_filters())
    table = next(t for t in national.tables if t.slug == "framework_review_comparison")
    assert [c.text for c in dict(table.rows)["Aarhus"]] == ["3", "2", "0", "0"]
    assert [c.text for c in dict(table.rows)["Hele landet"]] == ["3", "2", "0", "0"]
    client.force_login(world.caseworker)
    body = client.get(reverse("rapporter:municipality", args=[world.municipality.slug])).content.decode()
    assert "Revisionsdato overskredet" in body and "ikke oplysninger om borgere" in body
    url = reverse("rapporter:municipality_export", args=[world.municipality.slug, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert ["Kommunikationsveje", "3", "2"] in rows


def test_the_rendered_figures_are_kept_until_the_next_run(client, world, data):
    from samarbejde.models import Channel

    def figures():
        body = client.get(url).content.decode()
        return body[body.index('<section class="mb-5"') : body.index("</main>")]

    client.force_login(world.caseworker)
    url = reverse("rapporter:municipality", args=[world.municipality.slug])
    first = figures()
    # A change without a run leaves the page as computed (the figures are the last run's) ...
    MonthlyFigures.objects.filter(municipality=world.municipality).delete()
    assert figures() == first
    # ... and the next run's figures are shown at once.
    Channel.objects.create(municipality=world.municipality, topic="Ny", way="telefon", contact_details="1")
    compute_reports(full=True)
    assert figures() != first
