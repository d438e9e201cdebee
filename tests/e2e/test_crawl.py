"""Every page of the portal passes axe for every kind of user, not only the journeys' pages.

Each kind of user (caseworker, coordinator, volunteer, administrator in Django admin, a provider's
member, a citizen in Mit forløb, anonymous) follows the same-site links it can reach on the demo
data, in Danish at 1280 px; the public and the citizen's pages are checked again at 360 px in
kalaallisut. URL patterns no link reached are opened directly with ids from the demo data. The
test fails on any serious or critical axe violation, on a link that leads to an error, on a
JavaScript error, and on a URL pattern that is neither checked nor excluded with a reason in
``tests/e2e/crawl.py``; moderate and minor violations are listed in its output.
"""

import time

import pytest
from django.urls import NoReverseMatch, reverse

from tests.e2e.axe import BLOCKING_IMPACTS
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.e2e.crawl import (
    EXCLUDED,
    Crawler,
    CrawlReport,
    admin_direct_path,
    all_patterns,
    direct_paths,
    exclusion_reason,
    route_of,
    seed,
)

pytestmark = pytest.mark.e2e

MAX_PAGES = {"admin": 220}
NOT_FOUND = "/findes-ikke/"  # the 404 page
DEFAULT_MAX_PAGES = 90


def test_every_page_passes_axe_for_every_kind_of_user(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.monotonic()
    data = seed()
    patterns = all_patterns()
    report = CrawlReport()
    base = live_server.url
    timings = []

    def run(crawler, start, *, scope="/"):
        began = time.monotonic()
        pages = crawler.crawl(
            start,
            report,
            max_pages=MAX_PAGES.get(crawler.who, DEFAULT_MAX_PAGES),
            patterns=patterns,
            scope=scope,
        )
        timings.append(
            f"{crawler.who}: {pages} pages in {time.monotonic() - began:.0f} s"
            f" (loading {crawler.load_seconds:.0f} s, axe {crawler.axe_seconds:.0f} s)"
        )

    crawlers = {}
    # The provider's member first: the pages only they see with content (their referrals, their
    # offers) are checked before the other kinds of users use up a pattern's checks.
    for who, user in [
        ("provider", data.provider_member),
        ("coordinator", data.coordinator),
        ("caseworker", data.caseworker),
        ("volunteer", data.volunteer),
        ("admin", data.administrator),
    ]:
        crawler = crawlers[who] = Crawler(browser, base, who, viewport=DESKTOP)
        crawler.sign_in(user)
        if who == "admin":
            run(crawler, ["/admin/"], scope="/admin/")
        else:
            run(crawler, ["/", "/notifikationer/"])

    anonymous = crawlers["anonymous"] = Crawler(browser, base, "anonymous", viewport=DESKTOP)
    run(anonymous, ["/", "/konto/login/", "/konto/password_reset/", "/admin/login/", "/mit-forloeb/log-ind/"])
    anonymous.visit(NOT_FOUND, report, followed=False)
    anonymous.audit(report)

    citizen = crawlers["citizen"] = Crawler(browser, base, "citizen", viewport=DESKTOP)
    citizen.sign_in_citizen(data.invitations["da"], report)
    run(citizen, ["/mit-forloeb/"], scope="/mit-forloeb/")

    # Patterns no link reached: open them directly, as the first kind of user who may see them.
    unreached = []
    direct = direct_paths(data)
    staff = ["coordinator", "caseworker", "admin", "provider", "volunteer", "anonymous"]
    for route, name in patterns.items():
        if route in report.reached or exclusion_reason(route, name) is not None:
            continue
        path = admin_direct_path(route, name) if route.startswith("admin/") else direct.get(name)
        if path is None and name:
            try:
                path = reverse(name)
            except NoReverseMatch:
                path = None
        if path is None or route_of(path) != route:
            unreached.append(f"{route} ({name}): no path to open it with")
            continue
        if route.startswith("admin/"):
            order = ["admin", "anonymous"]
        elif route.startswith("mit-forloeb/") and not route.startswith("mit-forloeb/invitation/"):
            order = ["citizen", "anonymous"]
        else:
            order = staff
        for who in order:
            crawlers[who].visit(path, report, followed=False, route=route)
            if route in report.reached:
                break
        else:
            unreached.append(f"{route} ({name}): {path} answered no kind of user")

    # The public pages and the citizen's pages on a phone, in kalaallisut.
    public = Crawler(browser, base, "anonymous-phone-kl", viewport=PHONE, language="kl")
    for path in anonymous.checked:
        if path != NOT_FOUND:
            public.visit(path, report)
    public.visit(NOT_FOUND, report, followed=False)
    public.audit(report)
    phone = Crawler(browser, base, "citizen-phone-kl", viewport=PHONE, language="kl")
    phone.sign_in_citizen(data.invitations["kl"], report)
    run(phone, ["/mit-forloeb/"], scope="/mit-forloeb/")

    for crawler in [*crawlers.values(), public, phone]:
        report.errors.extend(crawler.page_errors)
        crawler.close()

    print(f"\nAccessibility crawl: {report.pages} pages in {time.monotonic() - started:.0f} s")
    print("\n".join(timings))
    lesser = report.summary(("moderate", "minor"))
    if lesser:
        print(f"Moderate and minor axe violations (not blocking):\n{lesser}")
    problems = []
    if report.blocking():
        problems.append("Serious or critical axe violations:\n" + report.summary(BLOCKING_IMPACTS))
    if unreached:
        problems.append("URL patterns neither checked nor excluded:\n  " + "\n  ".join(unreached))
    if report.broken:
        problems.append("Links that lead to errors:\n  " + "\n  ".join(report.broken))
    known = set(patterns) | set(patterns.values()) | {"admin/<app>/<model>/<object_id>/"}
    stale = [key for key in EXCLUDED if key not in known]
    if stale:
        problems.append(f"Exclusions for URL patterns that no longer exist: {stale}")
    if report.errors:
        problems.append("Errors in the browser:\n  " + "\n  ".join(report.errors))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "crawl-report.txt").write_text(
        "\n".join(timings)
        + "\n\n"
        + "\n\n".join(problems)
        + "\n\nAll pages:\n"
        + report.summary(("critical", "serious", "moderate", "minor"), sample=1000)
    )
    assert not problems, "\n\n".join(problems)
