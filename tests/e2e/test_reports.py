"""A caseworker opens their municipality's report and a national analyst the comparison of all
municipalities, by the keyboard from the menu: no serious or critical axe issue, no blocked
script, and the charts come with their data tables."""

import pytest
from playwright.sync_api import expect

from rapporter.access import analyst_group
from rapporter.compute import compute_reports
from tests import report_fixture

pytestmark = pytest.mark.e2e


@pytest.fixture
def reports(world, make_user):
    report_fixture.build(world)
    compute_reports()
    analyst = make_user(email="analytiker@example.dk", full_name="Nanna Analytiker")
    analyst.groups.add(analyst_group())
    return world


def test_caseworker_opens_the_municipality_report(journey, reports):
    page = journey.page
    journey.login(reports.caseworker.email)
    link = page.locator('#main-nav a[href="/rapporter/"]')
    journey.tab_to(link)
    journey.press("Enter", step="reports-index")
    journey.tab_to(page.get_by_role("link", name="Aarhus"))
    journey.press("Enter", step="municipality-report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aarhus")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("table.report-table").first).to_be_visible()
    expect(page.locator("td", has_text="< 5").first).to_be_visible()
    assert not journey.page_errors


def test_analyst_opens_the_national_comparison(journey, reports):
    page = journey.page
    journey.login("analytiker@example.dk")
    journey.goto("/rapporter/", step="analyst-index")
    journey.tab_to(page.get_by_role("link", name="Hele landet: kommunerne side om side"))
    journey.press("Enter", step="national-report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hele landet")
    expect(page.locator("#table-comparison")).to_contain_text("Odense")
    # Filtering by target group keeps the page accessible.
    journey.choose(page.get_by_label("Målgruppe"), "Unge")
    journey.tab_to(page.get_by_role("button", name="Vis"))
    journey.press("Enter", step="national-filtered")
    assert "target_group=unge" in page.url
    assert not journey.page_errors
