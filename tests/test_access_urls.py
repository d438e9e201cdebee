"""Every URL of the portal, Django admin's included, × every kind of user: the expected
200/302/403/404/405.

The test walks the URL configuration itself, so a new URL that is not listed in ``URLS`` below
makes ``test_every_url_is_known`` fail: a new page cannot skip the access check. To add a URL,
add one line to ``URLS``: its name, how to fill its arguments from the world (``kw``) and who
may see it (``Rule``). Outsiders get 404 (never 403, never the data); anonymous users on private
pages are sent to the login page; the public offer directory answers everyone.

Besides the status, every response that answers 200 to someone who may NOT see the case is
searched for the citizen's name, CPR and the case summary (no leak by list, count, API or CSV),
and every answer to an anonymous user is searched for the internal offer.

Django admin's pages are generated from its registry (``ADMIN_CASES``): every registered model's
list, add (with ``?case=``, ``?citizen=``, ``?plan=``… of the world's case, as someone tampering
would), change, history and delete pages, its custom pages and the site's own pages. Users who are
not staff are sent to admin's login; the administrator of another municipality never gets a page
of an object of the world's municipality (Django admin answers an id outside what one may see
with a redirect to its index), never sees the case in any page, and never manages what only
superusers manage (users, groups, login attempts, the global Celery schedules).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from borgerforloeb.models import (
    AttentionPointTemplate,
    CaseTransfer,
    Consent,
    Decision,
    Effort,
    Meeting,
    NetworkMapVersion,
    NetworkPerson,
    Participant,
)
from borgerforloeb.services.plan import new_plan_version
from borgerforloeb.services.tasks import create_task
from core.models import AuditEvent, Notification, NotificationKind
from rapporter.access import ANALYST_GROUP
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    FrameworkDocument,
    FrameworkDocumentVersion,
    GuidanceDocument,
    KnowledgePage,
    Unit,
    WorkTool,
)
from tests.case_factories import make_consent
from tilbud.models import Location, Offer, TaxonomyTerm

CITIZEN_NAME = "Aviaja Lækagesen"
CPR_DASHED = "070761-4005"
CASE_SUMMARY = "Hemmelig situationsbeskrivelse 4711"
INTERNAL_OFFER = "Internt tilbud Skjult 0815"

# The kinds of users. "volunteer" has a participant row but no consent covers them; "admin_other"
# is a staff administrator of another municipality (Odense); "superuser" sees everything;
# "analyst" is a national analyst (reports of every municipality, never a case).
ROLES = [
    "caseworker_same",
    "caseworker_other",
    "coordinator",
    "volunteer",
    "admin_same",
    "admin_other",
    "superuser",
    "analyst",
    "anonymous",
]
CAN_SEE_CASE = {"caseworker_same", "coordinator", "superuser"}


# --- Expected answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Expected GET status per role (``default`` for roles not named)."""

    default: int
    by_role: dict = field(default_factory=dict)
    post_outsiders: bool = False  # also POST as outsiders: must be 404 / login, never a change

    def expected(self, role: str) -> tuple:
        value = self.by_role.get(role, self.default)
        return value if isinstance(value, tuple) else (value,)


def rule(default, post_outsiders=False, **by_role):
    return Rule(default, by_role, post_outsiders)


PUBLIC = rule(200)
LOGIN = rule(200, anonymous=302)
# Translation review (django-rosetta): superusers (and the translation reviewers' group, see
# tests/test_translation_review.py); everyone else is sent to the sign-in page.
TRANSLATORS = rule(302, superuser=200)
# Case pages: the case's municipality's caseworkers and the coordinator with consent; others 404.
CASE = rule(404, True, caseworker_same=200, coordinator=200, superuser=200, anonymous=302)
# Case pages only the case's caseworkers may use (visible to the coordinator: 403).
CASE_CASEWORKER = rule(404, True, caseworker_same=200, coordinator=403, superuser=200, anonymous=302)
# POST-only endpoints: GET is 405 for everyone signed in (says nothing about the object).
POST_ONLY = rule(405, True, anonymous=302)
# Caseworker-only actions without an object (creating citizens and cases).
CASEWORKER_ACTION = rule(403, caseworker_same=200, caseworker_other=200, superuser=200, anonymous=302)
# The municipality's framework editing: its administrators only.
FRAMEWORK_EDIT = rule(404, True, admin_same=200, superuser=200, anonymous=302)
# Reports of the case's municipality, and of the whole country.
REPORT = rule(404, caseworker_same=200, admin_same=200, superuser=200, analyst=200, anonymous=302)
NATIONAL_REPORT = rule(404, superuser=200, analyst=200, anonymous=302)


def kw(**builders):
    """URL kwargs from the world: kw(pk="case.pk") → {"pk": world.case.pk}."""

    def build(world):
        out = {}
        for name, path in builders.items():
            value = world
            for part in path.split("."):
                value = getattr(value, part)
            out[name] = value
        return out

    return build


def none(world):
    return {}


# URL name → (kwargs builder, rule). One line per URL of the portal.
URLS = {
    # Foundation
    "home": (none, PUBLIC),
    "healthz": (none, rule((200, 503))),  # 503 when the worker/Redis is down
    "healthz_live": (none, PUBLIC),
    "healthz_ready": (none, PUBLIC),
    "metrics": (none, rule(404)),  # only with METRICS_TOKEN (tests/test_observability.py)
    "login": (none, PUBLIC),
    "logout": (none, rule(405)),
    "password_change": (none, LOGIN),
    "password_change_done": (none, LOGIN),
    "security": (none, LOGIN),
    # Two-factor pages: an administrator here has passed the second factor (conftest), so setup
    # sends them on; nobody has recovery codes waiting or a code owing, so those redirect.
    "two_factor_setup": (none, rule(200, admin_same=302, admin_other=302, superuser=302, anonymous=302)),
    "two_factor_verify": (none, rule(302)),
    "two_factor_recovery_codes": (none, rule(302)),
    "two_factor_new_codes": (none, rule(405, anonymous=302)),
    "two_factor_disable": (none, rule(405, anonymous=302)),
    "password_reset": (none, PUBLIC),
    "password_reset_done": (none, PUBLIC),
    "password_reset_confirm": (kw(uidb64="fake.uidb64", token="fake.token"), PUBLIC),
    "password_reset_complete": (none, PUBLIC),
    "oidc_authentication_callback": (none, rule(404)),  # 404 while OIDC is not configured
    "oidc_authentication_init": (none, rule(404)),
    "oidc_logout": (none, rule(405)),
    "set_language": (none, rule(302)),
    # Offer directory, its CSV export and HSDS API: public, internal offers for signed-in users only
    "tilbud:offer_list": (none, PUBLIC),
    "tilbud:offer_choices": (none, LOGIN),
    "tilbud:offer_export": (none, PUBLIC),
    "tilbud:my_offers": (none, LOGIN),
    "tilbud:offer_detail": (kw(pk="offer.pk"), PUBLIC),
    "tilbud:offer_print": (kw(pk="offer.pk"), PUBLIC),
    "tilbud:offer_edit": (kw(pk="offer.pk"), rule(404, True, coordinator=200, superuser=200, anonymous=302)),
    "tilbud:offer_assure": (kw(pk="offer.pk"), rule(405)),
    "hsds:index": (none, PUBLIC),
    "hsds:openapi": (none, PUBLIC),
    "hsds:services": (none, PUBLIC),
    "hsds:service_detail": (kw(pk="offer.pk"), PUBLIC),
    "hsds:organizations": (none, PUBLIC),
    "hsds:organization_detail": (kw(pk="voluntary.pk"), PUBLIC),
    "hsds:taxonomies": (none, PUBLIC),
    "hsds:taxonomy_terms": (none, PUBLIC),
    "hsds:taxonomy_detail": (kw(pk="term.taxonomy_id"), PUBLIC),
    "hsds:taxonomy_term_detail": (kw(pk="term.pk"), PUBLIC),
    "hsds:service_at_locations": (none, PUBLIC),
    "hsds:service_at_location_detail": (kw(pk="location.pk"), PUBLIC),
    "hsds:datapackage": (none, PUBLIC),
    # Framework (level 1): readable by all; edited by the municipality's administrators
    "samarbejde:municipality_list": (none, PUBLIC),
    "samarbejde:channel_search": (none, PUBLIC),
    "samarbejde:my_forum_actions": (none, LOGIN),
    "samarbejde:action_status": (kw(pk="forum_action.pk"), POST_ONLY),
    "samarbejde:worktool_list": (none, PUBLIC),
    "samarbejde:worktool_detail": (kw(pk="worktool.pk"), PUBLIC),
    "samarbejde:worktool_edit": (kw(pk="worktool.pk"), FRAMEWORK_EDIT),
    "samarbejde:document_upload": (kw(pk="worktool.pk"), FRAMEWORK_EDIT),
    "samarbejde:document_download": (kw(pk="document.pk"), LOGIN),
    "samarbejde:knowledge_list": (none, PUBLIC),
    # Knowledge pages are national: every municipality's administrators edit them.
    "samarbejde:knowledge_create": (
        none,
        rule(404, admin_same=200, admin_other=200, superuser=200, anonymous=302),
    ),
    "samarbejde:knowledge_detail": (kw(slug="knowledge.slug"), PUBLIC),
    "samarbejde:knowledge_edit": (
        kw(slug="knowledge.slug"),
        rule(404, True, admin_same=200, admin_other=200, superuser=200, anonymous=302),
    ),
    "samarbejde:municipality_detail": (kw(slug="municipality.slug"), PUBLIC),
    "samarbejde:channel_list": (kw(slug="municipality.slug"), PUBLIC),
    "samarbejde:framework_document": (kw(slug="municipality.slug", pk="framework_document.pk"), LOGIN),
    "samarbejde:channel_create": (kw(slug="municipality.slug"), FRAMEWORK_EDIT),
    "samarbejde:channel_edit": (kw(slug="municipality.slug", pk="channel.pk"), FRAMEWORK_EDIT),
    "samarbejde:channel_delete": (kw(slug="municipality.slug", pk="channel.pk"), FRAMEWORK_EDIT),
    "samarbejde:organisation_create": (kw(slug="municipality.slug"), FRAMEWORK_EDIT),
    "samarbejde:organisation_detail": (kw(slug="municipality.slug", pk="voluntary.pk"), PUBLIC),
    "samarbejde:organisation_edit": (kw(slug="municipality.slug", pk="voluntary.pk"), FRAMEWORK_EDIT),
    "samarbejde:organisation_delete": (kw(slug="municipality.slug", pk="voluntary.pk"), FRAMEWORK_EDIT),
    "samarbejde:organisation_archive": (
        kw(slug="municipality.slug", pk="voluntary.pk"),
        rule(405, True, anonymous=302),
    ),
    "samarbejde:forum_create": (kw(slug="municipality.slug"), FRAMEWORK_EDIT),
    "samarbejde:forum_detail": (kw(slug="municipality.slug", pk="forum.pk"), LOGIN),
    "samarbejde:forum_edit": (kw(slug="municipality.slug", pk="forum.pk"), FRAMEWORK_EDIT),
    "samarbejde:meeting_create": (kw(slug="municipality.slug", pk="forum.pk"), FRAMEWORK_EDIT),
    "samarbejde:meeting_edit": (
        kw(slug="municipality.slug", pk="forum.pk", meeting_pk="forum_meeting.pk"),
        FRAMEWORK_EDIT,
    ),
    "samarbejde:worktool_create": (kw(slug="municipality.slug"), FRAMEWORK_EDIT),
    "samarbejde:unit_create": (kw(slug="municipality.slug", pk="voluntary.pk"), FRAMEWORK_EDIT),
    "samarbejde:unit_edit": (
        kw(slug="municipality.slug", pk="voluntary.pk", unit_pk="unit.pk"),
        FRAMEWORK_EDIT,
    ),
    "samarbejde:membership_edit": (
        kw(slug="municipality.slug", pk="voluntary.pk", membership_pk="membership.pk"),
        FRAMEWORK_EDIT,
    ),
    # Translation review in the browser (django-rosetta)
    "rosetta-old-home-redirect": (none, rule(302)),
    "rosetta-file-list-redirect": (none, rule(302)),
    "rosetta-file-list": (lambda w: {"po_filter": "project"}, TRANSLATORS),
    "rosetta-form": (lambda w: {"po_filter": "project", "lang_id": "kl", "idx": 0}, TRANSLATORS),
    "rosetta-download-file": (lambda w: {"po_filter": "project", "lang_id": "kl", "idx": 0}, TRANSLATORS),
    "rosetta.translate_text": (none, TRANSLATORS),
    # Citizen cases (level 2)
    "borgerforloeb:my_cases": (none, LOGIN),
    "borgerforloeb:my_tasks": (none, LOGIN),
    "borgerforloeb:my_duties": (none, LOGIN),
    # Refer from the directory: without an offer (?tilbud=) there is nothing to refer to.
    "borgerforloeb:refer_offer": (none, rule(404, anonymous=302)),
    "borgerforloeb:task_complete": (kw(task_pk="task.pk"), POST_ONLY),
    "borgerforloeb:citizen_create": (none, CASEWORKER_ACTION),
    "borgerforloeb:citizen_detail": (kw(pk="citizen.pk"), CASE),
    # Editing a citizen: caseworkers only; the coordinator sees the citizen but may not edit (403).
    "borgerforloeb:citizen_edit": (kw(pk="citizen.pk"), CASE_CASEWORKER),
    "borgerforloeb:citizen_show_cpr": (kw(pk="citizen.pk"), POST_ONLY),
    "borgerforloeb:case_create": (none, CASEWORKER_ACTION),
    "borgerforloeb:case_detail": (kw(pk="case.pk"), CASE),
    "borgerforloeb:case_show_cpr": (kw(pk="case.pk"), POST_ONLY),
    # The case already has a coordinator: redirected to the handover.
    "borgerforloeb:case_assign_coordinator": (
        kw(pk="case.pk"),
        rule(404, True, caseworker_same=302, coordinator=302, superuser=302, anonymous=302),
    ),
    "borgerforloeb:case_handover": (kw(pk="case.pk"), CASE),
    "borgerforloeb:case_status": (kw(pk="case.pk"), CASE),
    "borgerforloeb:case_participants": (kw(pk="case.pk"), CASE),
    "borgerforloeb:participant_end": (kw(pk="case.pk", participant_pk="volunteer_participant.pk"), POST_ONLY),
    "borgerforloeb:task_create": (kw(pk="case.pk"), CASE),
    "borgerforloeb:case_timeline": (kw(pk="case.pk"), CASE),
    "borgerforloeb:case_consents": (kw(pk="case.pk"), CASE),
    "borgerforloeb:consent_create": (kw(pk="case.pk"), CASE),
    "borgerforloeb:consent_withdraw": (kw(pk="case.pk", consent_pk="consent.pk"), POST_ONLY),
    "borgerforloeb:case_access_log": (kw(pk="case.pk"), CASE),
    "borgerforloeb:citizen_export": (kw(pk="citizen.pk"), CASE_CASEWORKER),
    "borgerforloeb:citizen_export_json": (kw(pk="citizen.pk"), CASE_CASEWORKER),
    # Plan, efforts, meetings, attention points and decisions. The world's plan has one version
    # (a draft): the compare page sends those who may see it back to the plan.
    "borgerforloeb:plan_detail": (kw(pk="case.pk"), CASE),
    "borgerforloeb:plan_new_version": (kw(pk="case.pk"), POST_ONLY),
    "borgerforloeb:plan_compare": (
        kw(pk="case.pk"),
        rule(404, True, caseworker_same=302, coordinator=302, superuser=302, anonymous=302),
    ),
    "borgerforloeb:plan_version": (kw(pk="case.pk", number="plan_version.number"), CASE),
    "borgerforloeb:plan_edit": (kw(pk="case.pk", number="plan_version.number"), CASE),
    "borgerforloeb:plan_accept": (kw(pk="case.pk", number="plan_version.number"), CASE),
    "borgerforloeb:plan_print": (kw(pk="case.pk", number="plan_version.number"), CASE),
    # The forms filled from the case (the efforts overview needs nothing but the case).
    "borgerforloeb:document_print": (lambda w: {"pk": w.case.pk, "kind": "indsatser"}, CASE),
    "borgerforloeb:document_pdf": (lambda w: {"pk": w.case.pk, "kind": "indsatser"}, CASE),
    "borgerforloeb:effort_list": (kw(pk="case.pk"), CASE),
    "borgerforloeb:effort_create": (kw(pk="case.pk"), CASE),
    "borgerforloeb:effort_edit": (kw(pk="case.pk", effort_pk="effort.pk"), CASE),
    # Inbound referrals: members of the receiving organisation only (here: the volunteer's), who
    # see only what the consent allows (the leak check looks for the citizen's name).
    "borgerforloeb:referral_list": (none, LOGIN),
    "borgerforloeb:referral_answer": (kw(effort_pk="effort.pk"), rule(404, volunteer=200, anonymous=302)),
    "borgerforloeb:meeting_list": (kw(pk="case.pk"), CASE),
    "borgerforloeb:meeting_create": (kw(pk="case.pk"), CASE),
    "borgerforloeb:meeting_detail": (kw(pk="case.pk", meeting_pk="meeting.pk"), CASE),
    "borgerforloeb:meeting_edit": (kw(pk="case.pk", meeting_pk="meeting.pk"), CASE),
    "borgerforloeb:meeting_minutes": (kw(pk="case.pk", meeting_pk="meeting.pk"), CASE),
    "borgerforloeb:meeting_ics": (kw(pk="case.pk", meeting_pk="meeting.pk"), CASE),
    "borgerforloeb:attention_edit": (kw(pk="case.pk"), CASE),
    "borgerforloeb:decision_list": (kw(pk="case.pk"), CASE),
    "borgerforloeb:decision_create": (kw(pk="case.pk"), CASE),
    # The network map: the world's map has one version, so compare sends viewers back to the map.
    "borgerforloeb:network_map": (kw(pk="case.pk"), CASE),
    "borgerforloeb:network_person_edit": (kw(pk="case.pk", person_pk="network_person.pk"), CASE),
    "borgerforloeb:network_person_remove": (kw(pk="case.pk", person_pk="network_person.pk"), POST_ONLY),
    "borgerforloeb:network_make_participant": (kw(pk="case.pk", person_pk="network_person.pk"), POST_ONLY),
    "borgerforloeb:network_version_create": (kw(pk="case.pk"), CASE),
    "borgerforloeb:network_version": (kw(pk="case.pk", number="network_version.number"), CASE),
    "borgerforloeb:network_compare": (
        kw(pk="case.pk"),
        rule(404, True, caseworker_same=302, coordinator=302, superuser=302, anonymous=302),
    ),
    "borgerforloeb:network_print": (kw(pk="case.pk"), CASE),
    # Transfers between municipalities. The world's case has an open transfer to Odense, whose
    # caseworker (caseworker_other) sees its summary (initials only: the consent allows neither
    # name nor situation); starting another sends the sending side to it.
    "borgerforloeb:transfer_start": (
        kw(pk="case.pk"),
        rule(404, True, caseworker_same=302, coordinator=302, superuser=302, anonymous=302),
    ),
    "borgerforloeb:transfer_list": (none, LOGIN),
    "borgerforloeb:transfer_detail": (
        kw(pk="transfer.pk"),
        rule(404, caseworker_same=200, caseworker_other=200, coordinator=200, superuser=200, anonymous=302),
    ),
    # POSTs: the receiving caseworker may answer, so outsiders' POSTs are tested in test_transfers.
    "borgerforloeb:transfer_accept": (kw(pk="transfer.pk"), rule(405, anonymous=302)),
    "borgerforloeb:transfer_decline": (kw(pk="transfer.pk"), rule(405, anonymous=302)),
    "borgerforloeb:transfer_withdraw": (kw(pk="transfer.pk"), rule(405, anonymous=302)),
    # No handover meeting before acceptance: those who see the transfer are sent to it.
    "borgerforloeb:transfer_ics": (
        kw(pk="transfer.pk"),
        rule(404, caseworker_same=302, caseworker_other=302, coordinator=302, superuser=302, anonymous=302),
    ),
    # Mit forløb (the citizen's own view; staff users are not citizens)
    "citizen:home": (none, rule(302)),
    "citizen:signed_out": (none, PUBLIC),
    "citizen:sign_out": (none, rule(405)),
    "citizen:oidc_init": (none, rule(404)),
    "citizen:oidc_callback": (none, rule(404)),
    "citizen:invitation": (kw(token="fake.token"), rule(404)),
    "citizen:new_link": (kw(token="fake.token"), rule(405)),
    # The citizen's own actions: staff users are not signed in as citizens → the citizen sign-in.
    "citizen:consent_withdraw": (kw(pk="consent.pk"), rule(302)),
    "citizen:document_print": (lambda w: {"kind": "indsatser"}, rule(302)),
    "citizen:document_pdf": (lambda w: {"kind": "indsatser"}, rule(302)),
    "citizen:plan_accept": (kw(pk="plan_version.pk"), rule(302)),
    "citizen:change_request": (none, rule(302)),
    "citizen:network_map": (none, rule(302)),
    "citizen:access_log": (none, rule(302)),
    "citizen:access_question": (lambda w: {"event_pk": 1}, rule(302)),
    "citizen:my_data": (none, rule(302)),
    "citizen:my_data_html": (none, rule(302)),
    "citizen:my_data_json": (none, rule(302)),
    "citizen:consent_receipt": (kw(pk="consent.pk"), rule(302)),
    "citizen:invite": (kw(case_pk="case.pk"), CASE),
    "citizen:messages_read": (kw(case_pk="case.pk"), POST_ONLY),
    # Notifications
    "notifications:list": (none, LOGIN),
    "notifications:read": (kw(pk="notification.pk"), POST_ONLY),
    "notifications:read_all": (none, rule(405, anonymous=302)),  # one's own notifications
    "notifications:preferences": (none, LOGIN),
    # Reports: aggregates only. A municipality's caseworkers and administrators; national
    # analysts (and superusers) see every municipality and the whole country.
    "rapporter:index": (none, LOGIN),
    "rapporter:municipality": (kw(slug="municipality.slug"), REPORT),
    "rapporter:municipality_export": (kw(slug="municipality.slug", fmt="fake.csv"), REPORT),
    "rapporter:national": (none, NATIONAL_REPORT),
    "rapporter:national_export": (kw(fmt="fake.xlsx"), NATIONAL_REPORT),
}

# URL names deliberately not visited, with the reason.
EXEMPT = {
    "bench_floor": "only in benchmark mode (BENCH_MODE), never in production",
}


# --- Walking the URL configuration -----------------------------------------------------------------


def portal_url_names() -> set[str]:
    """Every named URL of the portal, outside Django admin."""
    return {name for name in all_url_names() if not name.startswith("admin:")}


def all_url_names() -> set[str]:
    """Every named URL, Django admin's included (its unnamed catch-all answers unknown paths)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                if namespace == "admin" and pattern.name is None:
                    continue
                assert pattern.name, f"URL {pattern.pattern} has no name: name it and add it to URLS"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


# --- Django admin ----------------------------------------------------------------------------------

STAFF = {"admin_other", "superuser"}
# Models that are not any municipality's data: an administrator of any municipality may read them.
ADMIN_SHARED = {
    "samarbejde.knowledgepage",
    "tilbud.taxonomy",
    "tilbud.taxonomyterm",
    "tilbud.targetgroup",
    "tilbud.language",
}
# Models only superusers manage in admin.
ADMIN_SUPERUSER_ONLY_APPS = {"auth", "axes", "django_celery_beat"}
ADMIN_SUPERUSER_ONLY = {"core.notification", "core.notificationpreference", "borgerforloeb.retentionrun"}
# People and municipalities are scoped like municipal data: an administrator picks and sees only
# their own municipalities' (the admin people pickers need the user list).
# The object of the world's municipality whose pages are visited, per model (others: the first).
ADMIN_OBJECTS = {
    "borgerforloeb.citizen": "citizen",
    "borgerforloeb.case": "case",
    "borgerforloeb.participant": "volunteer_participant",
    "borgerforloeb.consent": "consent",
    "borgerforloeb.plan": "case.plan",
    "borgerforloeb.planversion": "plan_version",
    "borgerforloeb.effort": "effort",
    "borgerforloeb.task": "task",
    "borgerforloeb.meeting": "meeting",
    "borgerforloeb.decision": "decision",
    "borgerforloeb.attentionpointtemplate": "attention_template",
    "samarbejde.municipality": "municipality",
    "samarbejde.organisation": "voluntary",
    "samarbejde.membership": "membership",
    "samarbejde.unit": "unit",
    "samarbejde.channel": "channel",
    "samarbejde.forum": "forum",
    "samarbejde.forummeeting": "forum_meeting",
    "samarbejde.forumaction": "forum_action",
    "samarbejde.worktool": "worktool",
    "samarbejde.guidancedocument": "document",
    "samarbejde.frameworkdocument": "framework_document",
    "samarbejde.knowledgepage": "knowledge",
    "tilbud.offer": "internal_offer",
    "core.notification": "notification",
    "core.user": "users.caseworker_same",
}
# Filled into every add form, as someone tampering would: ids of the world's case and its parts.
ADMIN_PREFILL = {
    "case": "case",
    "citizen": "citizen",
    "plan": "case.plan",
    "version": "plan_version",
    "meeting": "meeting",
    "effort": "effort",
    "offer": "internal_offer",
}


def _path(world, path):
    value = world
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def admin_object_id(world, model) -> str:
    label = model._meta.label_lower
    if label in ADMIN_OBJECTS:
        return str(_path(world, ADMIN_OBJECTS[label]).pk)
    if label == "core.auditevent":
        obj = AuditEvent.objects.filter(case_id=world.case.pk).order_by("pk").first()
    else:
        obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "0"  # "0": no such object (admin's "not found")


def admin_scope(model) -> str:
    label = model._meta.label_lower
    if model._meta.app_label in ADMIN_SUPERUSER_ONLY_APPS or label in ADMIN_SUPERUSER_ONLY:
        return "superuser"
    return "shared" if label in ADMIN_SHARED else "municipal"


@dataclass(frozen=True)
class AdminCase:
    """One admin page: its URL name, how to build the URL from the world, and who gets what."""

    name: str
    url: object  # world -> str
    staff: dict  # {"admin_other": (statuses…), "superuser": (statuses…)}
    others: tuple = (302,)  # everyone who is not staff: admin's login
    to_login: bool = True


NOT_FOUND = (302, 403, 404)  # admin's "does not exist" is a redirect to its index
ANY_OK = (200, 302, 403)


def admin_cases() -> list[AdminCase]:
    cases = [
        AdminCase(
            "admin:index", lambda w: reverse("admin:index"), {"admin_other": (200,), "superuser": (200,)}
        ),
        AdminCase(
            "admin:login",
            lambda w: reverse("admin:login"),
            {"admin_other": (302,), "superuser": (302,)},
            others=(200,),
            to_login=False,
        ),
        AdminCase(
            "admin:logout",
            lambda w: reverse("admin:logout"),
            {"admin_other": (405,), "superuser": (405,)},
            to_login=False,
        ),
        AdminCase(
            "admin:password_change", lambda w: reverse("admin:password_change"), dict.fromkeys(STAFF, (200,))
        ),
        AdminCase(
            "admin:password_change_done",
            lambda w: reverse("admin:password_change_done"),
            dict.fromkeys(STAFF, (200,)),
        ),
        AdminCase("admin:jsi18n", lambda w: reverse("admin:jsi18n"), dict.fromkeys(STAFF, (200,))),
        AdminCase(
            "admin:autocomplete", lambda w: reverse("admin:autocomplete"), dict.fromkeys(STAFF, (403,))
        ),
        AdminCase(
            "admin:view_on_site",
            lambda w: reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(w.case).pk, w.case.pk],
            ),
            dict.fromkeys(STAFF, (302, 404)),
            others=(302, 404),
            to_login=False,
        ),
    ]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        superuser_only = app_label in ADMIN_SUPERUSER_ONLY_APPS
        cases.append(
            AdminCase(
                "admin:app_list",
                lambda w, app_label=app_label: reverse("admin:app_list", args=[app_label]),
                {"admin_other": (403, 404) if superuser_only else (200,), "superuser": (200,)},
            )
        )
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        scope = admin_scope(model)
        foreign = {"superuser": NOT_FOUND, "municipal": NOT_FOUND, "shared": ANY_OK}[scope]
        listing = {"superuser": (403,), "municipal": (200, 403), "shared": (200, 403)}[scope]
        for suffix, query in [("changelist", ""), ("add", "prefill")]:
            cases.append(
                AdminCase(
                    f"{info}_{suffix}",
                    lambda w, name=f"{info}_{suffix}", query=query: reverse(name) + _admin_query(w, query),
                    {"admin_other": listing, "superuser": ANY_OK},
                )
            )
        for suffix in ["change", "history", "delete"]:
            cases.append(
                AdminCase(
                    f"{info}_{suffix}",
                    lambda w, name=f"{info}_{suffix}", model=model: reverse(
                        name, args=[admin_object_id(w, model)]
                    ),
                    {"admin_other": foreign, "superuser": ANY_OK},
                )
            )
        for pattern in model_admin.get_urls():
            standard = {
                f"{info[6:]}_{suffix}" for suffix in ["changelist", "add", "change", "history", "delete"]
            }
            custom = pattern.name and pattern.name not in standard
            if custom and not pattern.pattern.converters:
                cases.append(
                    AdminCase(
                        f"admin:{pattern.name}",
                        lambda w, name=f"admin:{pattern.name}": reverse(name),
                        {"admin_other": listing, "superuser": ANY_OK},
                    )
                )
            elif custom:  # a page of one object (a user's password form)
                cases.append(
                    AdminCase(
                        f"admin:{pattern.name}",
                        _object_url(f"admin:{pattern.name}", model, pattern.pattern.converters),
                        {"admin_other": foreign, "superuser": ANY_OK},
                    )
                )
    return cases


def _object_url(name, model, kwargs):
    return lambda w: reverse(name, kwargs=dict.fromkeys(kwargs, admin_object_id(w, model)))


def _admin_query(world, query) -> str:
    if not query:
        return ""
    return "?" + "&".join(f"{field}={_path(world, path).pk}" for field, path in ADMIN_PREFILL.items())


# --- The world --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def world_options():
    return {
        "people": {"odense_administrator": {"is_staff": True}},
        "citizen": {"full_name": CITIZEN_NAME, "cpr": CPR_DASHED},
        "case": {"summary": CASE_SUMMARY},
    }


@pytest.fixture
def url_world(world, make_user):
    """The shared world with one object of every kind a URL can name, and the users by role."""
    w, municipality, organisation = world, world.municipality, world.organisation
    w.users = {
        "caseworker_same": w.caseworker,
        "caseworker_other": w.odense_caseworker,
        "coordinator": w.coordinator,
        "volunteer": w.volunteer,
        "admin_same": w.administrator,
        "admin_other": w.odense_administrator,
        "superuser": make_user(is_superuser=True, is_staff=True),
        "analyst": make_user(full_name="Nanna Analytiker"),
        "anonymous": None,
    }
    w.users["analyst"].groups.add(Group.objects.get(name=ANALYST_GROUP))
    cw, coordinator = w.caseworker, w.coordinator
    w.volunteer_participant = Participant.objects.create(
        case=w.case, user=w.users["volunteer"], organisation=w.uncovered, role=Participant.Role.VOLUNTEER
    )
    w.task = create_task(actor=cw, case=w.case, title=f"Ring til {CITIZEN_NAME}", responsible=coordinator)
    w.plan_version = new_plan_version(actor=cw, case=w.case)
    w.meeting = Meeting.objects.create(case=w.case, title="Netværksmøde", starts_at=timezone.now())
    w.decision = Decision.objects.create(
        case=w.case, text="Bolig først", decided_by="Netværket", citizen_involvement="Borgeren deltog"
    )
    w.offer = Offer.objects.create(organisation=w.voluntary, name="Åben rådgivning", description="For alle.")
    w.offer.municipalities.set([municipality])
    w.internal_offer = Offer.objects.create(
        organisation=w.voluntary, name=INTERNAL_OFFER, description="Kun for fagfolk.", internal=True
    )
    w.internal_offer.municipalities.set([municipality])
    w.location = Location.objects.create(
        offer=w.offer, address="Vestergade 1", postal_code="8000", city="Aarhus"
    )
    w.term = TaxonomyTerm.objects.first()
    w.effort = Effort.objects.create(
        case=w.case,
        offer=w.offer,
        title="Rådgivning",
        responsible=coordinator,
        receiving_organisation=w.uncovered,
        status=Effort.Status.REFERRED,
        referred_at=timezone.now(),
    )
    w.unit = Unit.objects.create(organisation=w.voluntary, name="Rådgivningen")
    w.membership = coordinator.memberships.get()
    w.channel = Channel.objects.create(
        municipality=municipality,
        topic="Bestilling af tolk",
        organisation=organisation,
        way="phone",
        contact_details="Tlf. 11 22 33 44",
    )
    w.forum = Forum.objects.create(municipality=municipality, name="Netværksforum", cadence="kvartalsvis")
    w.forum_meeting = ForumMeeting.objects.create(forum=w.forum, date=timezone.now())
    w.forum_action = ForumAction.objects.create(
        meeting=w.forum_meeting, title="Send referat", responsible=cw, due_date=timezone.localdate()
    )
    w.worktool = WorkTool.objects.create(municipality=municipality, kind="netvaerkskort", name="Netværkskort")
    w.document = GuidanceDocument(work_tool=w.worktool, title="Vejledning", content_type="text/plain", size=5)
    w.document.file.save("vejledning.txt", ContentFile(b"hello"), save=True)
    w.knowledge = KnowledgePage.objects.create(title="Samtykke", slug="samtykke", body="Om samtykke.")
    w.attention_template = AttentionPointTemplate.objects.create(municipality=municipality)
    w.framework_document = FrameworkDocument.objects.create(
        municipality=municipality,
        kind="arbejdsgang",
        title="Overdragelse",
        owner=cw,
        review_date=timezone.localdate(),
    )
    FrameworkDocumentVersion.objects.create(document=w.framework_document, body="Sådan overdrager vi.")
    w.network_person = NetworkPerson.objects.create(case=w.case, name="Ane", kind="family", ring=1)
    w.network_version = NetworkMapVersion.objects.create(
        case=w.case, number=1, citizen_participation="present"
    )
    w.notification = Notification.objects.create(
        recipient=coordinator,
        kind=NotificationKind.TASK_DUE_SOON,
        event_key=f"task:{w.task.pk}",
        due_date=datetime.date.today(),
        subject="Opgave",
        url=w.case.get_absolute_url(),
    )
    odense_consent = make_consent(
        w.citizen, organisations=[w.odense], actor=cw, information_kinds=[Consent.InformationKind.HOUSING]
    )
    w.transfer = CaseTransfer.objects.create(
        case=w.case,
        from_municipality=municipality,
        to_municipality=w.other_municipality,
        move_date=datetime.date.today(),
        consent=odense_consent,
        started_by=cw,
        from_coordinator=coordinator,
    )
    w.fake = SimpleNamespace(uidb64="MQ", token="abc-def", token_str="x" * 40, csv="csv", xlsx="xlsx")
    w.fake.token = "ikke-et-gyldigt-link-0123456789"
    return w


def visit(client, world, role, name, method="get"):
    user = world.users[role]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    builder, _rule = URLS[name]
    url = reverse(name, kwargs=builder(world))
    response = getattr(client, method)(url)
    return url, response


# --- Tests ----------------------------------------------------------------------------------------------


def test_every_url_is_known():
    names = portal_url_names()
    unknown = sorted(names - set(URLS) - set(EXEMPT))
    assert not unknown, f"New URLs without an access rule: add them to URLS in {__file__}: {unknown}"
    stale = sorted(set(URLS) - names - {"bench_floor"})
    assert not stale, f"URLS lists names that no longer exist: {stale}"


def test_every_admin_url_is_visited():
    names = {name for name in all_url_names() if name.startswith("admin:")}
    unvisited = sorted(names - {case.name for case in admin_cases()})
    assert not unvisited, f"Admin URLs the admin cases do not visit (see admin_cases): {unvisited}"


def _check_role(client, world, role):
    problems = []
    names = sorted(n for n in URLS if n in portal_url_names())
    for name in names:
        url, response = visit(client, world, role, name)
        expected = URLS[name][1].expected(role)
        if response.status_code not in expected:
            problems.append(f"GET {url} ({name}) as {role}: {response.status_code}, expected {expected}")
            continue
        to_login = role == "anonymous" and URLS[name][1].by_role.get("anonymous") == 302
        if to_login and not response["Location"].startswith(reverse("login")):
            problems.append(f"GET {url} as anonymous: redirected to {response['Location']}, not login")
        body = _body(response)
        if role not in CAN_SEE_CASE:
            for secret in (CITIZEN_NAME, "0707614005", CPR_DASHED, CASE_SUMMARY):
                if secret in body:
                    problems.append(f"GET {url} as {role}: the response contains {secret!r}")
        if role == "anonymous" and INTERNAL_OFFER in body:
            problems.append(f"GET {url} as anonymous: the response contains the internal offer")
        framework_admin = role == "admin_same" and name.startswith("samarbejde:")
        framework_admin |= role == "admin_other" and name.startswith("samarbejde:knowledge")
        if URLS[name][1].post_outsiders and role not in CAN_SEE_CASE and not framework_admin:
            url, response = visit(client, world, role, name, method="post")
            allowed = {302} if role == "anonymous" else {404, 403}
            if name.startswith("borgerforloeb:") or name.startswith("citizen:"):
                allowed = {302} if role == "anonymous" else {404}
            if response.status_code not in allowed:
                problems.append(f"POST {url} ({name}) as {role}: {response.status_code}, expected {allowed}")
            elif role == "anonymous" and not response["Location"].startswith(reverse("login")):
                problems.append(f"POST {url} as anonymous: redirected to {response['Location']}, not login")
    return problems


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(client, url_world, role):
    problems = _check_role(client, url_world, role)
    assert not problems, "\n".join(problems)


def _check_admin_role(client, world, role):
    problems = []
    user = world.users[role]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    for case in admin_cases():
        url = case.url(world)
        response = client.get(url)
        expected = case.staff[role] if role in STAFF else case.others
        if "/0/" in url and role in STAFF:  # no such object in the world: admin's "not found"
            expected = (*expected, 404)
        if response.status_code not in expected:
            problems.append(f"GET {url} ({case.name}) as {role}: {response.status_code}, expected {expected}")
            continue
        if (
            role not in STAFF
            and case.to_login
            and not response["Location"].startswith(reverse("admin:login"))
        ):
            problems.append(f"GET {url} as {role}: redirected to {response['Location']}, not admin's login")
        body = _body(response)
        if role not in CAN_SEE_CASE:
            for secret in (CITIZEN_NAME, "0707614005", CPR_DASHED, CASE_SUMMARY):
                if secret in body:
                    problems.append(f"GET {url} ({case.name}) as {role}: the response contains {secret!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_as_every_role(client, url_world, role):
    problems = _check_admin_role(client, url_world, role)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_internal_offers_are_listed_for_signed_in_users_only(client, url_world):
    public_urls = [
        reverse("tilbud:offer_list"),
        reverse("tilbud:offer_export"),
        reverse("hsds:services"),
        reverse("hsds:service_detail", args=[url_world.internal_offer.pk]),
        reverse("samarbejde:organisation_detail", args=[url_world.municipality.slug, url_world.voluntary.pk]),
    ]
    for url in public_urls:
        assert INTERNAL_OFFER not in _body(client.get(url)), url
    client.force_login(url_world.users["volunteer"])
    for url in public_urls:
        assert INTERNAL_OFFER in _body(client.get(url)), url
