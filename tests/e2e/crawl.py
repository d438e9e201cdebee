"""The accessibility crawl's machinery: the demo data, every URL pattern, and one user's crawl.

Every kind of user gets one browser context (signed in once) that follows the same-site links it
can reach, breadth first, with GET only and a fixed bound on pages, and runs axe on each page.
Patterns the links never reach are then visited directly with ids from the demo data; a pattern
that is neither reached nor excluded here with a reason fails the crawl.
"""

from __future__ import annotations

import io
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.e2e.axe import BLOCKING_IMPACTS, RUN_OPTIONS, run_axe

DEMO_PASSWORD = "Samarbejde-demo-2026"

# Patterns no crawl visits, each with the reason. Keyed by URL name, or by route when unnamed.
EXCLUDED = {
    "healthz": "JSON health check for monitoring, not a page",
    "healthz_live": "JSON liveness probe for orchestrators, not a page",
    "healthz_ready": "JSON readiness probe for orchestrators, not a page",
    "metrics": "Prometheus metrics for the monitoring system (token only), not a page",
    "logout": "signs out (POST only)",
    "oidc_authentication_init": "redirects to the municipality's identity provider",
    "oidc_authentication_callback": "the identity provider's return address, no page of its own",
    "oidc_logout": "signs out (POST only)",
    "set_language": "changes the language (POST only); the crawl sets the language cookie instead",
    "admin:logout": "signs out (POST only)",
    "admin:autocomplete": "JSON for the admin's autocomplete fields",
    "admin:jsi18n": "JavaScript catalogue",
    "admin:view_on_site": "redirects to the object's page on the portal",
    "admin/<app>/<model>/<object_id>/": "redirects to the object's change page",
    "admin/(?P<url>.*)$": "the admin's catch-all: redirects or answers 404",
    "tilbud:offer_export": "CSV download",
    "tilbud:offer_choices": "the offer picker's HTML fragment, fetched into the crawled effort form",
    "tilbud:offer_assure": "confirms an offer (POST only)",
    "hsds:index": "JSON API",
    "hsds:openapi": "JSON API description",
    "hsds:services": "JSON API",
    "hsds:service_detail": "JSON API",
    "hsds:organizations": "JSON API",
    "hsds:organization_detail": "JSON API",
    "hsds:taxonomies": "JSON API",
    "hsds:taxonomy_terms": "JSON API",
    "hsds:taxonomy_detail": "JSON API",
    "hsds:taxonomy_term_detail": "JSON API",
    "hsds:service_at_locations": "JSON API",
    "hsds:service_at_location_detail": "JSON API",
    "hsds:datapackage": "ZIP download of the open-data package",
    "samarbejde:action_status": "changes a forum action's status (POST only)",
    "samarbejde:document_download": "file download (PDF/Word)",
    "samarbejde:organisation_archive": "archives an organisation (POST only)",
    "borgerforloeb:task_complete": "completes a task (POST only)",
    "borgerforloeb:citizen_show_cpr": "reveals the CPR number, audited (POST only)",
    "borgerforloeb:case_show_cpr": "reveals the CPR number, audited (POST only)",
    "borgerforloeb:participant_end": "ends a participation (POST only)",
    "borgerforloeb:consent_withdraw": "withdraws a consent (POST only)",
    "borgerforloeb:citizen_export_json": "JSON download of the citizen's data",
    "borgerforloeb:plan_new_version": "creates a plan version (POST only)",
    "borgerforloeb:network_person_remove": "takes a person off the network map (POST only)",
    "borgerforloeb:network_make_participant": "makes a person on the network map a participant (POST only)",
    "borgerforloeb:meeting_ics": "iCalendar download",
    "borgerforloeb:transfer_ics": "iCalendar download",
    "borgerforloeb:transfer_accept": "accepts a transfer (POST only)",
    "borgerforloeb:transfer_decline": "declines a transfer (POST only)",
    "borgerforloeb:transfer_withdraw": "withdraws a transfer (POST only)",
    "citizen:sign_out": "signs the citizen out (POST only)",
    "citizen:oidc_init": "redirects to MitID",
    "citizen:oidc_callback": "MitID's return address, no page of its own",
    "citizen:new_link": "asks for a new invitation link (POST only)",
    "citizen:plan_accept": "accepts the plan (POST only)",
    "citizen:messages_read": "marks the citizen's messages read (POST only)",
    "citizen:my_data_json": "JSON download of the citizen's own data",
    "citizen:access_question": "reached from a flagged access in the citizen's access log; "
    "axe-checked by tests/e2e/test_data_rights.py",
    "two_factor_new_codes": "replaces the recovery codes (POST only)",
    "two_factor_recovery_codes": "shown once right after setup; axe-checked by tests/e2e/test_admin.py",
    "two_factor_verify": "shown only while a password sign-in still owes its code (the crawl's "
    "sessions have passed it)",
    "two_factor_disable": "turns two-factor sign-in off (POST only)",
    "notifications:read": "marks a reminder read (POST only)",
    "notifications:read_all": "marks all reminders read (POST only)",
    "rapporter:municipality_export": "CSV/XLSX download",
    "rapporter:national_export": "CSV/XLSX download",
    "rapporter:national": "only for national analysts (no kind of user the crawl signs in as); "
    "axe-checked by tests/e2e/test_reports.py",
    "borgerforloeb:document_pdf": "PDF download of a form (its print view, document_print, is checked)",
    "citizen:document_pdf": "PDF download of the citizen's form (its print view is checked)",
    # django-rosetta: superusers and translation reviewers only (tests/test_translation_review.py);
    # its pages are the library's own.
    "rosetta-old-home-redirect": "redirects to the translation files (django-rosetta)",
    "rosetta-file-list-redirect": "redirects to the translation files (django-rosetta)",
    "rosetta-file-list": "django-rosetta's own page, superusers and translation reviewers only",
    "rosetta-form": "django-rosetta's own page, superusers and translation reviewers only",
    "rosetta-download-file": "ZIP download of a catalogue (django-rosetta)",
    "rosetta.translate_text": "JSON for django-rosetta's suggestions (turned off)",
}

# Models in Django admin that only superusers manage; the administrator role never sees them.
SUPERUSER_ONLY_REASON = "only superusers manage this model in Django admin; administrators have no access"
# Links the crawl never follows (state-changing or sign-out); deletion pages are confirmation pages
# on GET and are visited directly, never by following a link.
NEVER_FOLLOW = ("/konto/logout/", "/admin/logout/", "/mit-forloeb/log-ud/", "/oidc/")
PAGES_PER_PATTERN = 1  # per kind of user
AUDITS_PER_PATTERN = 2  # kinds of users whose page of a pattern axe checks (per language and width)
# The journeys' axe rules; without CSS selectors for each node (the slowest part of axe on big
# admin pages): the crawl's report names the page and the node's HTML instead.
CRAWL_AXE_OPTIONS = {**RUN_OPTIONS, "selectors": False}


def _routes(resolver=None, prefix="", namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _routes(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route, name


def all_patterns() -> dict[str, str | None]:
    """Every URL pattern of the portal: route -> URL name (None for unnamed ones)."""
    patterns: dict[str, str | None] = {}
    for route, name in _routes():
        patterns.setdefault(route, name)  # a later pattern with the same route is never reached
    return patterns


def exclusion_reason(route: str, name: str | None) -> str | None:
    if name in EXCLUDED:
        return EXCLUDED[name]
    if route.startswith("admin/") and route.endswith("/<path:object_id>/") and name is None:
        return EXCLUDED["admin/<app>/<model>/<object_id>/"]
    if route in EXCLUDED:
        return EXCLUDED[route]
    if name == "admin:auth_user_password_change":
        return SUPERUSER_ONLY_REASON
    model = admin_model(name)
    if model is None:
        return None
    model_admin = admin_site._registry[model]
    request = administrator_request()
    if request is None or not model_admin.has_view_or_change_permission(request):
        return SUPERUSER_ONLY_REASON
    action = name.rsplit("_", 1)[-1]
    if action == "add" and not model_admin.has_add_permission(request):
        return "administrators may not add these in Django admin (the admin's own rule)"
    if action == "delete" and not model_admin.has_delete_permission(request, admin_object(model)):
        return "administrators may not delete these in Django admin (the admin's own rule)"
    return None


def administrator_request():
    """A request by the demo administrator, to ask Django admin what they may do."""
    from django.test import RequestFactory

    user = get_user_model().objects.filter(email="admin@demo.dk").first()
    if user is None:
        return None
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def admin_object(model):
    """The first row of ``model`` that the administrator sees in Django admin."""
    request = administrator_request()
    if request is None:
        return None
    return admin_site._registry[model].get_queryset(request).order_by("pk").first()


def admin_model(name: str | None):
    """The model behind an admin URL name such as ``admin:tilbud_offer_change``."""
    if not name or not name.startswith("admin:"):
        return None
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


# --- Demo data ---------------------------------------------------------------------------------


def seed() -> SimpleNamespace:
    """The demo data (``seed_demo``) plus what the demo lacks for a full crawl: a provider's member
    with a referral, reminders, a guidance document and citizens invited to Mit forløb."""
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    from borgerforloeb.models import AttentionPointTemplate, Case, CaseTransfer, Effort, Meeting, Participant
    from borgerforloeb.services.cases import open_case
    from borgerforloeb.services.citizens import create_citizen
    from borgerforloeb.services.efforts import save_effort
    from borgerforloeb.services.participants import add_participant
    from borgerforloeb.services.plan import new_plan_version
    from core import audit
    from core.models import AuditEvent, Notification, NotificationKind
    from mit_forloeb import invitations
    from samarbejde.models import GuidanceDocument, Membership, Organisation, WorkTool
    from tilbud.models import Offer

    # An earlier live-server test's flush removes the rows the migrations create (offer
    # categories, reminder schedules); the demo data needs them. Both functions are idempotent.
    for module, function in [
        ("tilbud.migrations.0003_reference_vocabularies", "create"),
        ("core.migrations.0004_reminder_schedules", "create_schedules"),
    ]:
        getattr(import_module(module), function)(apps, None)
    call_command("seed_demo", "--force", stdout=io.StringIO())
    User = get_user_model()
    data = SimpleNamespace()
    for attr, email in [
        ("caseworker", "sagsbehandler@demo.dk"),
        ("coordinator", "tovholder@demo.dk"),
        ("volunteer", "frivillig@demo.dk"),
        ("administrator", "admin@demo.dk"),
    ]:
        setattr(data, attr, User.objects.get(email=email))
    provider = Organisation.objects.get(name="Nuna Bosted København ApS")
    data.provider_member = User.objects.create_user(
        email="leverandoer@demo.dk", password=DEMO_PASSWORD, full_name="Malik Lynge"
    )
    Membership.objects.create(user=data.provider_member, organisation=provider, title="Afdelingsleder")
    data.offer = Offer.objects.filter(organisation=provider).order_by("name").first()
    if data.offer is None:
        data.offer = Offer.objects.create(organisation=provider, name="Bostøtte", description="Bostøtte.")

    data.case = Case.objects.filter(citizen__preferred_language="kl").order_by("start_date").first()
    data.case_da = Case.objects.filter(citizen__preferred_language="da").first()
    data.effort = save_effort(
        actor=data.coordinator,
        case=data.case,
        title="Bostøtte i egen bolig",
        description="Hjælp til at holde boligen.",
        offer=data.offer,
        responsible=data.coordinator,
        status=Effort.Status.REFERRED,
    )
    data.meeting = Meeting.objects.filter(case=data.case).first()
    today = timezone.localdate()
    for user in (data.caseworker, data.coordinator, data.volunteer, data.provider_member):
        for number, kind in enumerate((NotificationKind.TASK_OVERDUE, NotificationKind.MEETING_TOMORROW)):
            Notification.objects.create(
                recipient=user,
                kind=kind,
                event_key=f"crawl-{number}",
                due_date=today - timedelta(days=number),
                subject=f"Påmindelse {number + 1}",
                body="Se opgaven i forløbet.",
                url=f"/forloeb/{data.case.pk}/",
                read_at=timezone.now() if number else None,
            )
    # A draft plan version beside the accepted one (editing, acceptance and comparison pages),
    # a case still without a coordinator, and one row of each admin model the demo leaves empty.
    draft = new_plan_version(actor=data.coordinator, case=data.case)
    data.draft_number = draft.number
    data.case_without_coordinator = open_case(
        actor=data.caseworker,
        citizen=create_citizen(
            actor=data.caseworker, municipality=data.case.municipality, full_name="Nivi Olsen"
        ),
        municipality=data.case.municipality,
        summary="Ny henvendelse; tovholder er ikke valgt endnu.",
    )
    AttentionPointTemplate.objects.get_or_create(municipality=data.case.municipality)
    data.tool = WorkTool.objects.create(
        municipality=data.case.municipality,
        name="Københavns netværkskort",
        kind=WorkTool.Kind.NETWORK_MAP,
        description="Kommunens egen udgave af netværkskortet.",
    )
    # A listed document; its file is never fetched (downloads are not pages).
    data.document = GuidanceDocument.objects.create(
        work_tool=data.tool,
        title="Vejledning i netværksmøder",
        file="vejledninger/netvaerksmoeder.pdf",
        content_type="application/pdf",
        uploaded_by=data.administrator,
    )
    audit.record(actor=data.administrator, action=AuditEvent.Action.CREATE, obj=data.document)
    # An organisation nothing depends on yet (only such an organisation may be deleted).
    data.empty_organisation = Organisation.objects.create(
        name="Foreningen Sila, København",
        municipality=data.case.municipality,
        kind=Organisation.Kind.VOLUNTARY,
    )
    # Django admin shows an administrator the cases they take part in.
    social = data.administrator.memberships.first().organisation
    add_participant(
        actor=data.coordinator,
        case=data.case,
        user=data.administrator,
        organisation=social,
        role=Participant.Role.CONTACT,
        responsibility="Rammen for samarbejdet.",
    )
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    SolarSchedule.objects.create(event="sunrise", latitude=55.68, longitude=12.57)
    data.invitations = {}
    for language, case in (("kl", data.case), ("da", data.case_da)):
        issued = invitations.create_invitation(actor=data.coordinator, case=case)
        data.invitations[language] = issued
    # The demo's transfer from Aarhus waits for København's answer (its summary page).
    data.transfer = CaseTransfer.objects.filter(status=CaseTransfer.Status.PENDING).first()
    data.reset_uid = urlsafe_base64_encode(force_bytes(data.caseworker.pk))
    data.reset_token = default_token_generator.make_token(data.caseworker)
    return data


def direct_paths(data) -> dict[str, str]:
    """A path with ids from the demo data for each named pattern that takes arguments."""
    from django.urls import reverse

    from borgerforloeb.models import Consent, NetworkMapVersion, PlanVersion
    from samarbejde.models import (
        Channel,
        Forum,
        ForumMeeting,
        FrameworkDocument,
        KnowledgePage,
        Membership,
        Unit,
    )

    case = data.case
    municipality = case.municipality
    slug = municipality.slug
    organisation = data.coordinator.memberships.first().organisation
    forum = Forum.objects.filter(municipality=municipality).first()
    forum_meeting = ForumMeeting.objects.filter(forum=forum).first() if forum else None
    version = PlanVersion.objects.filter(plan__case=case).order_by("number").first()
    consent = Consent.objects.filter(citizen=case.citizen).first()
    tool = data.tool
    kwargs = {
        "samarbejde:worktool_detail": {"pk": tool.pk},
        "samarbejde:worktool_edit": {"pk": tool.pk},
        "samarbejde:document_upload": {"pk": tool.pk},
        "samarbejde:knowledge_detail": {"slug": KnowledgePage.objects.first().slug},
        "samarbejde:knowledge_edit": {"slug": KnowledgePage.objects.first().slug},
        "samarbejde:municipality_detail": {"slug": slug},
        "rapporter:municipality": {"slug": slug},
        "samarbejde:channel_list": {"slug": slug},
        "samarbejde:channel_create": {"slug": slug},
        "samarbejde:channel_edit": {
            "slug": slug,
            "pk": Channel.objects.filter(municipality=municipality).first().pk,
        },
        "samarbejde:channel_delete": {
            "slug": slug,
            "pk": Channel.objects.filter(municipality=municipality).first().pk,
        },
        "samarbejde:organisation_create": {"slug": slug},
        "samarbejde:organisation_detail": {"slug": slug, "pk": organisation.pk},
        "samarbejde:organisation_edit": {"slug": slug, "pk": organisation.pk},
        "samarbejde:organisation_delete": {"slug": slug, "pk": data.empty_organisation.pk},
        "samarbejde:unit_create": {"slug": slug, "pk": organisation.pk},
        "samarbejde:unit_edit": {
            "slug": slug,
            "pk": organisation.pk,
            "unit_pk": Unit.objects.filter(organisation=organisation).first().pk,
        },
        "samarbejde:membership_edit": {
            "slug": slug,
            "pk": organisation.pk,
            "membership_pk": Membership.objects.filter(organisation=organisation).first().pk,
        },
        "samarbejde:forum_create": {"slug": slug},
        "samarbejde:forum_detail": {"slug": slug, "pk": forum.pk},
        "samarbejde:forum_edit": {"slug": slug, "pk": forum.pk},
        "samarbejde:meeting_create": {"slug": slug, "pk": forum.pk},
        "samarbejde:worktool_create": {"slug": slug},
        "tilbud:offer_detail": {"pk": data.offer.pk},
        "tilbud:offer_print": {"pk": data.offer.pk},
        "tilbud:offer_edit": {"pk": data.offer.pk},
        "borgerforloeb:citizen_detail": {"pk": case.citizen.pk},
        "borgerforloeb:citizen_edit": {"pk": case.citizen.pk},
        "borgerforloeb:citizen_export": {"pk": case.citizen.pk},
        "borgerforloeb:referral_answer": {"effort_pk": data.effort.pk},
        "borgerforloeb:effort_edit": {"pk": case.pk, "effort_pk": data.effort.pk},
        "borgerforloeb:meeting_detail": {"pk": case.pk, "meeting_pk": data.meeting.pk},
        "borgerforloeb:meeting_edit": {"pk": case.pk, "meeting_pk": data.meeting.pk},
        "borgerforloeb:meeting_minutes": {"pk": case.pk, "meeting_pk": data.meeting.pk},
        "citizen:invite": {"case_pk": case.pk},
        "borgerforloeb:transfer_detail": {"pk": data.transfer.pk},
        "borgerforloeb:document_print": {"pk": case.pk, "kind": "indsatser"},
        "citizen:document_print": {"kind": "indsatser"},
        "borgerforloeb:case_assign_coordinator": {"pk": data.case_without_coordinator.pk},
        "citizen:invitation": {"token": data.invitations["da"].token},
        "password_reset_confirm": {"uidb64": data.reset_uid, "token": data.reset_token},
    }
    if forum_meeting is not None:
        kwargs["samarbejde:meeting_edit"] = {"slug": slug, "pk": forum.pk, "meeting_pk": forum_meeting.pk}
    if version is not None:
        for name in ("plan_version", "plan_print"):
            kwargs[f"borgerforloeb:{name}"] = {"pk": case.pk, "number": version.number}
    for name in ("plan_edit", "plan_accept"):
        kwargs[f"borgerforloeb:{name}"] = {"pk": case.pk, "number": data.draft_number}
    if consent is not None:
        kwargs["citizen:consent_withdraw"] = {"pk": consent.pk}
        kwargs["citizen:consent_receipt"] = {"pk": consent.pk}
    for name in (
        "case_detail", "case_handover", "case_status", "case_participants",
        "task_create", "case_timeline", "case_consents", "consent_create", "case_access_log",
        "plan_detail", "plan_compare", "effort_list", "effort_create", "meeting_list", "meeting_create",
        "attention_edit", "decision_list", "decision_create", "transfer_start",
    ):  # fmt: skip
        kwargs[f"borgerforloeb:{name}"] = {"pk": case.pk}
    # The demo's network map (two versions, agreed with the citizen) and a framework document.
    network_version = NetworkMapVersion.objects.select_related("case").order_by("-number").first()
    if network_version is not None:
        network_case = network_version.case
        for name in ("network_map", "network_version_create", "network_compare", "network_print"):
            kwargs[f"borgerforloeb:{name}"] = {"pk": network_case.pk}
        kwargs["borgerforloeb:network_version"] = {"pk": network_case.pk, "number": network_version.number}
        person = network_case.network_people.order_by("pk").first()
        kwargs["borgerforloeb:network_person_edit"] = {"pk": network_case.pk, "person_pk": person.pk}
    document = FrameworkDocument.objects.filter(municipality=municipality).first()
    if document is not None:
        kwargs["samarbejde:framework_document"] = {"slug": slug, "pk": document.pk}
    return {name: reverse(name, kwargs=values) for name, values in kwargs.items()}


def admin_direct_path(route: str, name: str | None) -> str | None:
    """A path for an admin pattern: the model's first object, or the app's index."""
    from django.urls import reverse

    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "samarbejde"})
    model = admin_model(name)
    if model is None:
        return reverse(name) if name else None
    if "<path:object_id>" not in route:
        return reverse(name)
    obj = admin_object(model)
    if name == "admin:samarbejde_organisation_delete":
        from samarbejde.models import Organisation

        obj = Organisation.objects.get(name="Foreningen Sila, København")  # nothing depends on it
    if obj is None:
        return None
    return reverse(name, kwargs={"object_id": obj.pk})


# --- Crawling ----------------------------------------------------------------------------------


@dataclass
class Finding:
    url: str
    who: str
    violations: list[dict]


@dataclass
class CrawlReport:
    reached: dict[str, str] = field(default_factory=dict)  # route -> first URL checked
    audits: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))  # (route, lang, width)
    pages: int = 0
    findings: list[Finding] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if any(v["impact"] in BLOCKING_IMPACTS for v in f.violations)]

    def summary(self, impacts, *, sample: int = 8) -> str:
        by_rule: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for finding in self.findings:
            for violation in finding.violations:
                if violation["impact"] in impacts:
                    by_rule[(violation["id"], violation["impact"], violation["help"])].append(
                        (f"{finding.who}: {finding.url}", violation)
                    )
        lines = []
        for (rule, impact, help_text), hits in sorted(by_rule.items()):
            lines.append(f"- {rule} ({impact}): {help_text} — {len(hits)} page(s)")
            for where, violation in hits[:sample]:
                node = violation["nodes"][0]
                lines.append(f"    {where}  {node['html'][:200]}")
        return "\n".join(lines)


class Crawler:
    """One kind of user in one browser context."""

    def __init__(self, browser, base_url: str, who: str, *, viewport: dict, language: str = "da"):
        self.who = who
        self.base_url = base_url
        self.language = language
        self.context = browser.new_context(
            base_url=base_url,
            viewport=viewport,
            locale="da-DK",
            timezone_id="Europe/Copenhagen",
        )
        self.context.set_default_timeout(20_000)
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
        )
        self.page = self.context.new_page()
        self.page_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.page_errors.append(f"{self.page.url}: {error}"))
        self.page.on("console", self._console)
        self.checked: list[str] = []
        self.load_seconds = self.axe_seconds = 0.0

    def _console(self, message):
        if (
            message.type == "error"
            and "Content Security Policy" in message.text
            and "script-src" in message.text
        ):
            self.page_errors.append(f"{self.page.url}: {message.text[:200]}")

    def sign_in(self, user):
        """A staff session without the login form (the form has its own journeys)."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.base_url}]
        )

    def sign_in_citizen(self, issued, report: CrawlReport):
        path = f"/mit-forloeb/ind/{issued.token}/"
        self.visit(path, report)
        self.page.locator("input[name=code]").fill(issued.code)
        with self.page.expect_navigation():
            self.page.locator("form button[type=submit]").first.click()
        assert "/mit-forloeb/ind/" not in self.page.url, "citizen sign-in failed"

    def visit(self, path: str, report: CrawlReport, *, followed: bool = True, route=None) -> int | None:
        """Open a page and audit it; returns the HTTP status. Non-HTML answers are skipped, and
        so is a page that is not of ``route`` (e.g. a redirect to the login page)."""
        began = time.monotonic()
        response = self.page.goto(path)
        self.load_seconds += time.monotonic() - began
        status = response.status if response else None
        final = self.page.url
        if urlsplit(final).netloc != urlsplit(self.base_url).netloc:
            return status
        if status is None or status >= 400:
            if followed:
                report.broken.append(f"{self.who}: {path} -> HTTP {status}")
            return status
        if "html" not in (response.headers.get("content-type") or ""):
            return status
        if route is not None and route_of(final.removeprefix(self.base_url)) != route:
            return None
        self.audit(report)
        return status

    def audit(self, report: CrawlReport):
        url = self.page.url.removeprefix(self.base_url)
        self.checked.append(url)
        route = route_of(url)
        width = self.page.viewport_size["width"]
        key = (route, self.language, width)
        if route is not None and report.audits[key] >= AUDITS_PER_PATTERN:
            return  # enough kinds of users have had this pattern checked; its links still count
        report.audits[key] += 1
        began = time.monotonic()
        violations = run_axe(self.page, CRAWL_AXE_OPTIONS)
        self.axe_seconds += time.monotonic() - began
        report.pages += 1
        if route is not None:
            report.reached.setdefault(route, f"{self.who}: {url}")
        if violations:
            report.findings.append(Finding(url, self.who, violations))
        if width < 600:
            self.assert_fits(report)

    def assert_fits(self, report: CrawlReport):
        """Nothing scrolls sideways (WCAG 1.4.10 reflow)."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        if width > viewport:
            report.errors.append(f"{self.who}: {self.page.url} is {width}px wide on a {viewport}px screen")

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(link => link.getAttribute('href'))"
        )
        here = self.page.url
        paths = []
        for href in hrefs:
            if href.startswith(("mailto:", "tel:", "javascript:", "#")):
                continue
            absolute = urljoin(here, href)
            parts = urlsplit(absolute)
            if parts.netloc != urlsplit(self.base_url).netloc:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            paths.append(path)
        return paths

    def crawl(self, start: list[str], report: CrawlReport, *, max_pages: int, patterns: dict, scope="/"):
        queue = deque(start)
        seen = set(start)
        per_route: dict[str, int] = defaultdict(int)
        pages = 0
        while queue and pages < max_pages:
            path = queue.popleft()
            if not path.startswith(scope):
                continue
            route = route_of(path)
            if route is None or not self.may_follow(path, route, patterns):
                continue
            if per_route[route] >= PAGES_PER_PATTERN:
                continue
            per_route[route] += 1
            status = self.visit(path, report)
            pages += 1
            if status is None or status >= 400:
                continue
            for link in self.links():
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        return pages

    @staticmethod
    def may_follow(path: str, route: str, patterns: dict) -> bool:
        if path.startswith(NEVER_FOLLOW) or path.startswith(("/static/", "/media/")):
            return False
        name = patterns.get(route)
        if exclusion_reason(route, name) is not None:
            return False
        # Deletion pages are never followed; they are opened directly (GET only shows a question).
        return not (route.endswith("/slet/") or route.endswith("/delete/"))

    def close(self):
        self.context.close()
