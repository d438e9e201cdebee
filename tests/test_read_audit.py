"""Every read of a case or citizen page leaves one audit row naming the case or citizen and the page.

The test walks the URL configuration: every URL of the case app that takes an argument (a case,
citizen, plan version, meeting, effort, consent… id) and every URL of the citizen's own view is a
page of case or citizen data. Each is read by everyone who may read it (the case's caseworker and
coordinator, the volunteer whose organisation received a referral, a superuser, the signed-in
citizen); every answer 2xx must have written exactly one audit row (``core.audit.audited_read``
on the view), naming the case or citizen, saying which page (a label of the access log), without
CPR. A new page of case data without the declaration fails here twice: statically (its view
carries no ``audited_read``) and when read (no row).

Django admin too: every registered model that is case data (the case, the citizen, and every model
with a foreign key leading to them) declares its object pages (change, history, delete) on its
ModelAdmin (``core.audit.audited_admin_reads``), and a superuser's read of each leaves its row.

Pages that are not reads (POST-only actions, sign-in pages) are listed in ``NOT_READS`` with the
reason; they must not show the case to anyone who may see it.
"""

from __future__ import annotations

import time

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from borgerforloeb.models import Case, Citizen, NetworkMapVersion
from borgerforloeb.services.plan import accept_plan_version, new_plan_version
from borgerforloeb.views.access import read_label
from core.models import AuditEvent
from mit_forloeb import invitations
from tests import test_access_urls
from tests.case_factories import make_case
from tests.test_access_urls import CASE_SUMMARY, CITIZEN_NAME, URLS, _body, admin_object_id

# The URL × role test's world and settings (fixtures).
world_options = test_access_urls.world_options
url_world = test_access_urls.url_world
_media_root = test_access_urls._media_root

CASE_NAMESPACES = ("borgerforloeb", "citizen")
READERS = ["caseworker_same", "coordinator", "volunteer", "superuser", "citizen"]
CPR_DIGITS = ("4005",)  # the world's citizen has CPR 070761-4005

# URL name → why a GET of it reads no case data (it must not answer such data to anyone).
NOT_READS = {
    "borgerforloeb:task_complete": "POST only",
    "borgerforloeb:citizen_show_cpr": "POST only (audited as show_cpr)",
    "borgerforloeb:case_show_cpr": "POST only (audited as show_cpr)",
    "borgerforloeb:participant_end": "POST only",
    "borgerforloeb:consent_withdraw": "POST only",
    "borgerforloeb:plan_new_version": "POST only",
    "citizen:signed_out": "the citizen's sign-in page",
    "citizen:sign_out": "POST only",
    "citizen:oidc_init": "sign-in with MitID (a redirect to the broker)",
    "citizen:oidc_callback": "sign-in with MitID (the broker's answer)",
    "citizen:invitation": "sign-in with the invitation link and code",
    "citizen:new_link": "POST only",
    "citizen:plan_accept": "POST only",
    "citizen:messages_read": "POST only",
    "borgerforloeb:network_person_remove": "POST only",
    "borgerforloeb:network_make_participant": "POST only",
    "borgerforloeb:transfer_accept": "POST only",
    "borgerforloeb:transfer_decline": "POST only",
    "borgerforloeb:transfer_withdraw": "POST only",
}


def case_data_urls() -> dict[str, object]:
    """URL name → view of every page of case or citizen data (see the module docstring)."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in CASE_NAMESPACES:
                takes_id = bool(pattern.pattern.converters)
                if takes_id or namespace == "citizen":
                    found[f"{namespace}:{pattern.name}"] = pattern.callback

    walk(get_resolver().url_patterns, None)
    return found


@pytest.fixture
def readers(url_world):
    """The URL × role test's world, plus what some pages need to show data: second plan and
    network map versions (compare) and a case without a coordinator (assigning one)."""
    world = url_world
    cw, coordinator = world.users["caseworker_same"], world.users["coordinator"]
    accept_plan_version(
        actor=cw, version=world.plan_version, citizen_participation="phone", participants=[coordinator]
    )
    world.draft = new_plan_version(actor=cw, case=world.case)
    NetworkMapVersion.objects.create(case=world.case, number=2, citizen_participation="phone")
    world.uncoordinated = make_case(world.municipality, actor=cw, citizen=world.citizen, consent_orgs=[])
    # The transfer's handover meeting (its .ics); a case without an open transfer (starting one).
    world.transfer.handover_meeting = world.meeting
    world.transfer.save(update_fields=["handover_meeting"])
    return world


# Arguments that differ from the URL × role test's (which visits the world as it is).
KWARGS = {
    "borgerforloeb:case_assign_coordinator": lambda w: {"pk": w.uncoordinated.pk},
    "borgerforloeb:transfer_start": lambda w: {"pk": w.uncoordinated.pk},
    "borgerforloeb:plan_version": lambda w: {"pk": w.case.pk, "number": w.draft.number},
    "borgerforloeb:plan_edit": lambda w: {"pk": w.case.pk, "number": w.draft.number},
    "borgerforloeb:plan_accept": lambda w: {"pk": w.case.pk, "number": w.draft.number},
    "borgerforloeb:plan_print": lambda w: {"pk": w.case.pk, "number": w.draft.number},
    # The citizen asks about a staff member's access to their case.
    "citizen:access_question": lambda w: {
        "event_pk": AuditEvent.objects.filter(case_id=w.case.pk, actor__isnull=False).order_by("id")[0].pk
    },
}


def sign_in(client, world, reader):
    client.logout()
    if reader == "citizen":
        session = client.session
        session[invitations.CITIZEN_SESSION_KEY] = str(world.citizen.pk)
        session[invitations.CITIZEN_SEEN_KEY] = time.time()
        session.save()
    else:
        client.force_login(world.users[reader])


def url_of(world, name):
    build = KWARGS.get(name) or URLS[name][0]
    return reverse(name, kwargs=build(world))


def names_the_case_or_citizen(event, world) -> bool:
    cases = {world.case.pk, world.uncoordinated.pk}
    citizen = event.object_type == "borgerforloeb.citizen" and event.object_id == str(world.citizen.pk)
    return event.case_id in cases or citizen


def test_every_page_of_case_data_declares_its_read():
    undeclared = sorted(
        name
        for name, view in case_data_urls().items()
        if name not in NOT_READS and getattr(view, "audited_read", None) is None
    )
    assert not undeclared, (
        "Pages of case or citizen data without a read-audit declaration: declare each with "
        f"core.audit.audited_read (or borgerforloeb.permissions.reads_case): {undeclared}"
    )
    stale = sorted(set(NOT_READS) - set(case_data_urls()))
    assert not stale, f"NOT_READS lists names that are no longer pages of case data: {stale}"


def test_the_walk_finds_the_pages_of_case_data():
    """The walk is not vacuous: the pages named in issue reports are among what it checks."""
    names = set(case_data_urls())
    for name in [
        "borgerforloeb:case_detail",
        "borgerforloeb:citizen_edit",
        "borgerforloeb:plan_compare",
        "borgerforloeb:meeting_minutes",
        "borgerforloeb:meeting_ics",
        "borgerforloeb:attention_edit",
        "borgerforloeb:decision_list",
        "borgerforloeb:effort_edit",
        "borgerforloeb:citizen_export_json",
        "citizen:home",
    ]:
        assert name in names, name


@pytest.mark.django_db
def test_every_read_of_case_data_is_audited(client, readers):
    world = readers
    problems = []
    for name in sorted(case_data_urls()):
        url = url_of(world, name)
        answered = []
        for reader in READERS:
            sign_in(client, world, reader)
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(url)
            rows = list(AuditEvent.objects.filter(id__gt=last, action__in=["view", "export"]))
            body = _body(response)
            ok = 200 <= response.status_code < 300
            if name in NOT_READS:
                if ok and (CITIZEN_NAME in body or CASE_SUMMARY in body):
                    problems.append(f"{name} ({NOT_READS[name]}) shows the case to {reader}")
                continue
            if not ok:
                continue
            answered.append(reader)
            if len(rows) != 1:
                problems.append(f"GET {url} ({name}) as {reader}: {len(rows)} audit rows, expected 1")
                continue
            event = rows[0]
            actor = None if reader == "citizen" else world.users[reader]
            if event.actor != actor:
                problems.append(f"{name} as {reader}: the row's actor is {event.actor}")
            if not names_the_case_or_citizen(event, world):
                problems.append(f"{name} as {reader}: the row names neither the case nor the citizen")
            if read_label(event.note) is None:
                problems.append(f"{name}: the row's note {event.note!r} has no label in the access log")
            text = f"{event.object_repr} {event.note} {event.changes}"
            if any(digits in text for digits in CPR_DIGITS):
                problems.append(f"{name}: the audit row holds the CPR number")
        if name not in NOT_READS and not answered:
            problems.append(f"{name}: no reader got a 2xx answer, so its audit was not checked")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_refused_read_leaves_no_row(client, readers):
    world = readers
    for reader in ["caseworker_other", "admin_same", "admin_other"]:
        client.force_login(world.users[reader])
        for name in sorted(set(case_data_urls()) - set(NOT_READS)):
            client.get(url_of(world, name))
        rows = AuditEvent.objects.filter(actor=world.users[reader])
        if reader == "caseworker_other":
            # The world's case has an open transfer to Odense: its caseworker reads the transfer
            # summary (and only that) to decide whether to accept, and that read is recorded.
            assert set(rows.values_list("object_type", flat=True)) <= {"borgerforloeb.casetransfer"}
            rows = rows.exclude(object_type="borgerforloeb.casetransfer")
        assert not rows.exists(), reader


# --- Django admin ---------------------------------------------------------------------------------


def admin_case_data_models() -> list:
    """Registered models that are case data: the case, the citizen, and every model with a
    foreign key (or one-to-one) leading to them, however many steps away."""
    case_data = {Case, Citizen}
    registered = list(admin.site._registry)
    grew = True
    while grew:
        grew = False
        for model in registered:
            if model in case_data:
                continue
            targets = {f.related_model for f in model._meta.fields if f.many_to_one or f.one_to_one}
            if targets & case_data:
                case_data.add(model)
                grew = True
    return sorted((m for m in registered if m in case_data), key=lambda m: m._meta.label_lower)


def test_every_admin_page_of_case_data_declares_its_read():
    models = admin_case_data_models()
    assert {"borgerforloeb.case", "borgerforloeb.planacceptance", "borgerforloeb.timelineevent"} <= {
        m._meta.label_lower for m in models
    }
    undeclared = [
        m._meta.label_lower for m in models if getattr(admin.site._registry[m], "audited_read", None) is None
    ]
    assert not undeclared, f"Admin of case data without a read-audit declaration: {undeclared}"


@pytest.mark.django_db
def test_every_admin_read_of_case_data_is_audited(client, readers):
    world = readers
    problems = []
    superuser = world.users["superuser"]
    for model in admin_case_data_models():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        object_id = admin_object_id(world, model)
        answered = 0
        for page in ["change", "history", "delete"]:
            url = reverse(f"{info}_{page}", args=[object_id])
            for reader in ["superuser", "admin_other"]:
                client.force_login(world.users[reader])
                last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
                response = client.get(url)
                rows = list(AuditEvent.objects.filter(id__gt=last, action="view"))
                if not 200 <= response.status_code < 300:
                    if rows:
                        problems.append(
                            f"GET {url} as {reader}: {response.status_code}, yet {len(rows)} rows"
                        )
                    continue
                if reader != "superuser":
                    continue  # the URL × role test checks what others get
                answered += 1
                if len(rows) != 1:
                    problems.append(f"GET {url} as superuser: {len(rows)} audit rows, expected 1")
                    continue
                event = rows[0]
                if event.actor != superuser or not names_the_case_or_citizen(event, world):
                    problems.append(f"GET {url}: the row does not name the reader and the case or citizen")
                if read_label(event.note) is None:
                    problems.append(
                        f"GET {url}: the row's note {event.note!r} has no label in the access log"
                    )
                if any(digits in f"{event.object_repr} {event.note}" for digits in CPR_DIGITS):
                    problems.append(f"GET {url}: the audit row holds the CPR number")
        if not answered:
            problems.append(f"{model._meta.label_lower}: no admin page answered the superuser")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_an_audited_read_costs_one_insert(client, readers, settings, django_assert_max_num_queries):
    """The read audit adds one INSERT to a page and nothing else (the benchmark's pages)."""
    world = readers
    client.force_login(world.users["coordinator"])
    names = ["borgerforloeb:case_detail", "borgerforloeb:meeting_minutes", "borgerforloeb:plan_print"]

    def queries(client, name):
        client.get(url_of(world, name))  # warm caches (content types, session)
        with django_assert_max_num_queries(1000) as captured:
            assert client.get(url_of(world, name)).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    audited = {name: queries(client, name) for name in names}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SensitiveReadAuditMiddleware")]
    plain_client = Client()  # a new handler: built with the middleware as it is now
    plain_client.force_login(world.users["coordinator"])
    for name in names:
        plain = queries(plain_client, name)
        inserts = [sql for sql in audited[name] if sql.startswith('INSERT INTO "core_auditevent"')]
        assert len(inserts) == 1 and len(audited[name]) == len(plain) + 1, name


@pytest.mark.django_db
def test_the_access_log_names_reads_in_admin(client, readers):
    world = readers
    client.force_login(world.users["superuser"])
    url = reverse("admin:borgerforloeb_meeting_change", args=[world.meeting.pk])
    assert client.get(url).status_code == 200
    client.force_login(world.users["caseworker_same"])
    html = client.get(reverse("borgerforloeb:case_access_log", args=[world.case.pk])).content.decode()
    assert "Administration: møde" in html
