"""Real-browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

A missing Chromium fails each browser test, naming the package (``make test`` and ``make e2e``
install it with ``scripts/ensure-tools.sh chromium``); nothing is ever downloaded by Playwright.
Every page a journey visits goes through ``journey.check(step)``: an axe-core audit
(serious/critical violations fail the test) and a screenshot in
``test-artifacts/e2e/<test>/<step>.png``. A journey that navigates to a page and never checks it
fails at teardown.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.axe import assert_accessible
from tests.services import system_tool

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "Testkodeord-123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

expect.set_options(timeout=10_000)


@pytest.fixture
def browser(django_db_setup, monkeypatch):
    """Chromium for one test.

    Playwright's sync API keeps an asyncio loop running in the test thread while it is started, so
    Django would refuse the ORM calls with which a journey prepares and verifies its data. The
    browser therefore lives only as long as one test, and async-unsafe calls are allowed only then
    (a session-wide browser would break every other test run after it). While the loop runs,
    Django keeps the test's database connections apart from the outer ones; they are closed
    before the loop stops, or they would keep the test database open past the session.
    """
    chromium = system_tool(CHROMIUM, "chromium")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


class Journey:
    """One user's browser session: navigate, audit each page, keep screenshots."""

    def __init__(self, browser, live_server, name: str, viewport: dict):
        self.base_url = live_server.url
        self.context = browser.new_context(
            base_url=self.base_url, viewport=viewport, locale="da-DK", timezone_id="Europe/Copenhagen"
        )
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)  # only this run's screenshots
        self.steps: list[str] = []
        self.unchecked: list[str] = []
        self.current_url = ""
        self.page_errors: list[str] = []
        self.page.on("framenavigated", self._navigated)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message):
        # A script the Content-Security-Policy blocked means a broken page; a blocked inline style
        # (e.g. select2's widths in Django admin) is cosmetic and only reported.
        if message.type != "error" or "Content Security Policy" not in message.text:
            return
        if "script-src" in message.text:
            self.page_errors.append(f"{self.page.url}: {message.text}")
        else:
            print(f"CSP (cosmetic) on {self.page.url}: {message.text[:160]}")

    def _navigated(self, frame):
        if frame != self.page.main_frame:
            return
        url = frame.url.split("#")[0]
        if not ("#" in frame.url and url == self.current_url):  # a jump to an anchor is no new page
            self.unchecked.append(url)
        self.current_url = url

    def goto(self, path: str, step: str | None = None):
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        if step:
            self.check(step)
        return response

    def press(self, key: str = "Enter", *, step: str | None = None, locator=None, expect_ok: bool = True):
        """Press a key that loads a new page (a link, a submit button), wait for it, check it."""
        with self.page.expect_navigation() as navigation:
            if locator is None:
                self.page.keyboard.press(key)
            else:
                locator.press(key)
        response = navigation.value
        if expect_ok:
            assert response is None or response.ok, f"{self.page.url}: HTTP {response.status}"
        if step:
            self.check(step)

    def check(self, step: str, *, axe: bool = True):
        """Wait for the page, audit it with axe and save a screenshot named after the step."""
        self.page.wait_for_load_state("load")
        self.steps.append(step)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{len(self.steps):02d}-{step}.png"), full_page=True)
        if axe:
            assert_accessible(self.page, label=f"{step} ({self.page.url})")
        self.unchecked.clear()

    def login(self, email: str, password: str = PASSWORD, *, step: str = "login", next_url: str = ""):
        """Log in through the real form, with the keyboard only."""
        self.goto("/konto/login/" + (f"?next={next_url}" if next_url else ""), step=step)
        page = self.page
        self.tab_to(page.get_by_label("E-mail"))
        page.keyboard.type(email)
        self.tab_to(page.get_by_label("Adgangskode"))
        page.keyboard.type(password)
        self.press("Enter")
        assert "/konto/login/" not in page.url, f"login as {email} failed"
        assert "/konto/login/" not in page.url, "login failed"

    def tab_to(self, locator, *, max_presses: int = 300, key: str = "Tab"):
        """Press Tab until ``locator`` has the keyboard focus (proves it is reachable by keyboard)."""
        target = locator.first
        target.wait_for(state="attached")
        for _ in range(max_presses):
            if target.evaluate("element => element === document.activeElement"):
                return target
            self.page.keyboard.press(key)
        raise AssertionError(f"could not reach {locator} with {key} in {max_presses} presses")

    def type_into(self, locator, text: str):
        """Tab to a field and type, as a keyboard user would (replacing what is there)."""
        self.tab_to(locator)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def choose(self, select, option_text: str):
        """Tab to a closed <select> and type the start of an option's text to pick it."""
        self.tab_to(select)
        # A <select>'s type-ahead takes key presses; characters off the US layout (æ, ø, å) are
        # sent as text input, which a <select> ignores, so type the plain start only.
        typed = re.match(r"[ -~]*", option_text).group()
        assert typed, f"cannot type {option_text!r} into a <select>"
        self.page.keyboard.type(typed)
        chosen = select.evaluate("element => element.selectedOptions[0]?.textContent || ''")
        assert chosen.strip().startswith(option_text), f"typed {option_text!r}, got {chosen!r}"

    def toggle(self, checkbox):
        """Tab to a checkbox and press Space."""
        self.tab_to(checkbox)
        self.page.keyboard.press("Space")

    def activate(self, locator, *, step: str | None = None, expect_ok: bool = True):
        """Tab to a link or submit button and press Enter; wait for and check the next page."""
        self.tab_to(locator)
        self.press("Enter", step=step, expect_ok=expect_ok)

    def assert_no_sideways_scroll(self):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        assert width <= viewport, f"{self.page.url} is {width}px wide on a {viewport}px screen"

    def close(self):
        self.context.close()


@pytest.fixture
def journey_factory(live_server, browser, request):
    journeys: list[Journey] = []

    def make(*, viewport: dict = DESKTOP, name: str | None = None) -> Journey:
        label = request.node.name if name is None else f"{request.node.name}-{name}"
        journey = Journey(browser, live_server, label, viewport)
        journeys.append(journey)
        return journey

    yield make
    report = getattr(request.node, "rep_call", None)
    failed = report is None or not report.passed  # (an expected failure is no pass either)
    for journey in journeys:
        if failed:
            journey.folder.mkdir(parents=True, exist_ok=True)
            journey.page.screenshot(path=str(journey.folder / "zz-failure.png"), full_page=True)
        unchecked, errors = list(journey.unchecked), list(journey.page_errors)
        journey.close()
        if not failed:
            assert not unchecked, f"pages visited without an axe check: {unchecked}"
            assert not errors, f"JavaScript errors or CSP violations in the browser: {errors}"


@pytest.fixture
def journey(journey_factory) -> Journey:
    return journey_factory()


@pytest.fixture
def phone_journey(journey_factory) -> Journey:
    return journey_factory(viewport=PHONE)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
