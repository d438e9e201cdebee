"""Keyboard: on each kind of page every link, button and field is reached by Tab, in order, and the
focused control always shows a visible focus indicator."""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.crawl import Crawler, CrawlReport, direct_paths, seed
from tests.e2e.keyboard import tab_through

pytestmark = pytest.mark.e2e


def test_every_kind_of_page_is_operable_with_the_keyboard(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data = seed()
    paths = direct_paths(data)
    case = data.case
    from samarbejde.models import Channel

    channel = Channel.objects.filter(municipality=case.municipality).first()
    pages = {
        "anonymous": [
            "/",
            "/tilbud/",
            paths["tilbud:offer_detail"],
            paths["samarbejde:municipality_detail"],
            paths["samarbejde:channel_list"],
            "/konto/login/",
        ],
        "coordinator": [
            "/forloeb/",
            paths["borgerforloeb:case_detail"],
            paths["borgerforloeb:plan_detail"],
            paths["borgerforloeb:meeting_create"],
            paths["borgerforloeb:effort_create"],
            "/notifikationer/",
            paths["samarbejde:forum_detail"],
        ],
        "provider": ["/tilbud/mine/", paths["tilbud:offer_edit"], paths["borgerforloeb:referral_answer"]],
        "admin": [
            "/admin/",
            "/admin/samarbejde/channel/",
            f"/admin/samarbejde/channel/{channel.pk}/change/",
            "/admin/tilbud/offer/add/",
        ],
    }
    users = {"coordinator": data.coordinator, "provider": data.provider_member, "admin": data.administrator}
    report = CrawlReport()
    problems = []
    for who, page_paths in pages.items():
        crawler = Crawler(browser, live_server.url, who, viewport=DESKTOP)
        if who in users:
            crawler.sign_in(users[who])
        for path in page_paths:
            response = crawler.page.goto(path)
            assert response is not None and response.ok, f"{who}: {path} HTTP {response and response.status}"
            problems.extend(f"{who} {path}: {problem}" for problem in tab_through(crawler.page))
        crawler.close()

    citizen = Crawler(browser, live_server.url, "citizen", viewport=PHONE, language="kl")
    citizen.sign_in_citizen(data.invitations["kl"], report)
    problems.extend(f"citizen /mit-forloeb/: {problem}" for problem in tab_through(citizen.page))
    citizen.close()
    assert not problems, "\n".join(problems)
