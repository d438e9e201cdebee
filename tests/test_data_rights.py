"""The citizen's data rights in Mit forløb: who has looked at my case (exactly the accesses to
their own case and record, newest first, outsiders and administrators flagged, a question to the
coordinator and the data protection contact), my data (the staff export's content, audited, the
coordinator told), consent receipts, and the nightly retention run (scheduled in beat after
migrate, anonymising only what is past the period, pruning old audit rows)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from borgerforloeb import gdpr
from borgerforloeb.models import Case, Citizen, CitizenMessage, RetentionRun, TimelineEvent
from borgerforloeb.services.cases import change_case_status
from borgerforloeb.services.citizens import show_cpr
from borgerforloeb.services.consents import withdraw_consent
from borgerforloeb.tasks import run_retention
from core.models import AuditEvent, Notification, NotificationKind
from mit_forloeb import invitations
from tests.case_factories import make_case, make_citizen, make_consent

CPR = "0101901234"


@pytest.fixture
def world_options():
    return {
        "people": {"coordinator": {"full_name": "Tove Holder"}},
        "citizen": {"full_name": "Aputsiaq Olsen", "cpr": CPR},  # Danish (kalaallisut: the e2e journey)
    }


def sign_in(client, case, coordinator):
    issued = invitations.create_invitation(actor=coordinator, case=case)
    response = client.post(f"/mit-forloeb/ind/{issued.token}/", {"code": issued.code})
    assert response.status_code == 302


@pytest.fixture
def superuser(make_user):
    return make_user(full_name="Signe Superbruger", is_superuser=True, is_staff=True)


@pytest.fixture
def other_case(world):
    other = make_citizen(world.municipality, full_name="Naja Anden")
    make_consent(other, organisations=[world.voluntary])
    return make_case(
        world.municipality, citizen=other, coordinator=world.coordinator, coordinator_org=world.voluntary
    )


def staff_get(client, user, url):
    """A staff member reads ``url`` in their own browser (the citizen's session stays)."""
    staff = Client()
    staff.force_login(user)
    response = staff.get(url)
    assert response.status_code == 200, url


@pytest.mark.django_db
def test_citizen_sees_exactly_the_accesses_to_their_case_newest_first_outsiders_flagged(
    client, world, superuser, other_case
):
    case = world.case
    sign_in(client, case, world.coordinator)
    start = AuditEvent.objects.filter(actor__isnull=False).count()
    staff_get(client, world.coordinator, f"/forloeb/{case.pk}/")  # the coordinator: a participant
    staff_get(client, world.caseworker, f"/forloeb/{case.pk}/")  # municipal staff, not in the case
    show_cpr(actor=world.caseworker, citizen=world.citizen, case=case)
    staff_get(client, superuser, f"/admin/borgerforloeb/case/{case.pk}/change/")  # an administrator
    staff_get(client, world.coordinator, f"/forloeb/{other_case.pk}/")  # another citizen's case
    assert AuditEvent.objects.filter(actor__isnull=False).count() > start

    assert client.get("/mit-forloeb/").status_code == 200  # the citizen's own read: left out
    response = client.get("/mit-forloeb/hvem-har-set/")
    assert response.status_code == 200
    events = list(response.context["events"])
    expected = list(
        AuditEvent.objects.filter(actor__isnull=False)
        .exclude(case_id=other_case.pk)
        .exclude(object_id=str(other_case.citizen_id))
        .exclude(object_id=str(other_case.pk))
        .order_by("-at", "-id")
    )
    # Only rows about this citizen, and all of them (the other case's rows are nowhere).
    assert [e.pk for e in events] == [e.pk for e in expected][: len(events)]
    assert all(e.case_id != other_case.pk for e in events)
    assert not any(e.actor_id is None for e in events)
    top = events[:3]
    assert [e.actor for e in top] == [superuser, world.caseworker, world.caseworker]
    assert top[0].is_administrator and top[0].stands_out
    assert top[1].what == "dit CPR-nummer" or top[1].action == AuditEvent.Action.SHOW_CPR
    assert top[2].outsider and top[2].stands_out and top[2].what == "siden om dit forløb"
    coordinator_read = events[3]
    assert coordinator_read.actor == world.coordinator
    assert not coordinator_read.stands_out and coordinator_read.case_role
    page = response.content.decode()
    assert "Signe Superbruger" in page and "Naja Anden" not in page
    assert page.count('href="/mit-forloeb/hvem-har-set/') >= 3  # a question link per flagged row


@pytest.mark.django_db
def test_access_log_uses_a_fixed_number_of_queries(client, world, make_user):
    sign_in(client, world.case, world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/mit-forloeb/hvem-har-set/").status_code == 200
        return len(ctx.captured_queries)

    staff_get(client, world.caseworker, f"/forloeb/{world.case.pk}/")
    small = count()
    for i in range(12):
        reader = make_user(full_name=f"Læser {i}", organisation=world.organisation)
        show_cpr(actor=reader, citizen=world.citizen, case=world.case)
    assert count() == small


@pytest.mark.django_db
def test_asking_about_an_access_reaches_the_coordinator_and_the_data_protection_contact(
    client, world, make_user, other_case
):
    dpo = make_user(full_name="Dina Databeskyttelse")
    world.municipality.dpo_user = dpo
    world.municipality.dpo_name = "Dina Databeskyttelse"
    world.municipality.save()
    show_cpr(actor=world.caseworker, citizen=world.citizen, case=world.case)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SHOW_CPR).latest("id")
    other = AuditEvent.objects.create(
        actor=world.caseworker,
        action="view",
        object_type="borgerforloeb.case",
        object_id=str(other_case.pk),
        case_id=other_case.pk,
    )
    sign_in(client, world.case, world.coordinator)
    url = f"/mit-forloeb/hvem-har-set/{event.pk}/spoerg/"
    assert client.get(f"/mit-forloeb/hvem-har-set/{other.pk}/spoerg/").status_code == 404
    page = client.get(url)
    assert page.status_code == 200 and "Dina Databeskyttelse" in page.content.decode()
    empty = client.post(url, {"text": "   "})
    assert empty.status_code == 200 and "Skriv dit spørgsmål" in empty.content.decode()
    response = client.post(url, {"text": "Hvorfor så du mit CPR-nummer?"})
    assert response.status_code == 302
    message = CitizenMessage.objects.get(case=world.case, kind=CitizenMessage.Kind.ACCESS_QUESTION)
    assert "Hvorfor så du mit CPR-nummer?" in message.text
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.ACCESS_QUESTION).values_list("recipient", flat=True)
    )
    assert recipients == {world.coordinator.pk, dpo.pk}
    assert CPR not in "".join(Notification.objects.values_list("body", flat=True))
    assert TimelineEvent.objects.filter(case=world.case, object_id=str(message.pk)).exists()


@pytest.mark.django_db
def test_my_data_holds_the_staff_export_and_is_audited(client, world):
    client.force_login(world.caseworker)
    staff = json.loads(client.get(f"/forloeb/borgere/{world.citizen.pk}/indsigt.json").content)
    client.logout()
    sign_in(client, world.case, world.coordinator)
    assert client.get("/mit-forloeb/mine-data/").status_code == 200
    response = client.get("/mit-forloeb/mine-data/json/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    mine = json.loads(response.content)
    assert mine["citizen_id"] == staff["citizen_id"]
    changing = {"access_log", "timeline", "messages", "invitations"}  # the sign-in and the reads since
    for key, rows in staff["sections"].items():
        if key not in changing:
            assert mine["sections"][key] == rows, key
    for key in changing:
        assert len(mine["sections"][key]) >= len(staff["sections"][key])
    assert mine["sections"]["citizen"][0]["cpr"] == CPR
    html = client.get("/mit-forloeb/mine-data/udskrift/")
    assert html.status_code == 200 and "Aputsiaq Olsen" in html.content.decode()
    exports = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT,
        object_type="borgerforloeb.citizen",
        object_id=str(world.citizen.pk),
        actor__isnull=True,
    )
    assert exports.count() == 2
    assert {e.changes["format"] for e in exports} == {"json", "html"}
    # The coordinator sees it on the case page (a message) and in the timeline.
    assert (
        CitizenMessage.objects.filter(case=world.case, kind=CitizenMessage.Kind.DATA_DOWNLOADED).count() == 2
    )
    assert TimelineEvent.objects.filter(case=world.case, summary__contains="hentede selv").count() == 2


@pytest.mark.django_db
def test_consent_receipt_says_exactly_what_was_agreed(client, world, other_case):
    consent = world.consent
    sign_in(client, world.case, world.coordinator)
    url = f"/mit-forloeb/samtykke/{consent.pk}/kvittering/"
    page = client.get(url).content.decode()
    for org in consent.organisations.all():
        assert org.name in page
    assert "Kvittering" in page or "kvittering" in page.lower()
    assert "js-print" in page and "Navn og kontaktoplysninger" in page and "Underskrevet" in page
    withdraw_consent(actor=world.coordinator, consent=consent, note="Borgeren ringede")
    assert client.get(url).status_code == 200
    other_consent = other_case.citizen.consents.first()
    if other_consent is not None:
        assert client.get(f"/mit-forloeb/samtykke/{other_consent.pk}/kvittering/").status_code == 404
    assert AuditEvent.objects.filter(object_id=str(consent.pk), note="citizen_view").exists()


# --- Retention ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_nightly_retention_run_is_in_beat_after_migrate():
    task = PeriodicTask.objects.get(task="borgerforloeb.tasks.run_retention")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("15", "3", "*")


def _close(case, actor, end_date):
    change_case_status(actor=actor, case=case, status=Case.Status.CLOSED, closed_reason="Flyttet")
    Case.objects.filter(pk=case.pk).update(start_date=end_date - timedelta(days=30), end_date=end_date)


@pytest.mark.django_db
def test_retention_run_anonymises_only_what_is_past_the_period_and_prunes_old_audit_rows(
    world, settings, caplog
):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    settings.AUDIT_RETENTION_DAYS = 730
    old_citizen = make_citizen(world.municipality, full_name="Gammel Borgersen")
    old = make_case(world.municipality, citizen=old_citizen)
    _close(old, world.caseworker, timezone.localdate() - timedelta(days=400))
    recent_citizen = make_citizen(world.municipality, full_name="Ny Borgersen")
    recent = make_case(world.municipality, citizen=recent_citizen)
    _close(recent, world.caseworker, timezone.localdate() - timedelta(days=300))
    ancient = AuditEvent.objects.create(
        actor=world.caseworker,
        action="view",
        object_type="borgerforloeb.case",
        object_id=str(recent.pk),
        case_id=recent.pk,
        at=timezone.now() - timedelta(days=800),
    )
    kept = AuditEvent.objects.create(
        actor=world.caseworker,
        action="view",
        object_type="borgerforloeb.case",
        object_id=str(recent.pk),
        case_id=recent.pk,
        at=timezone.now() - timedelta(days=700),
    )
    caplog.set_level("INFO", logger="borgerforloeb.retention")
    run = RetentionRun.objects.get(pk=run_retention())  # what beat runs (the task, in this process)
    assert (run.cases_anonymised, run.cases_left, run.audit_rows_pruned) == (1, 0, 1)
    assert run.finished_at and not run.error
    assert Citizen.objects.get(pk=old_citizen.pk).full_name == gdpr.ANONYMISED
    assert Citizen.objects.get(pk=recent_citizen.pk).full_name == "Ny Borgersen"
    assert not AuditEvent.objects.filter(pk=ancient.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    log = caplog.text
    assert "1 case(s) anonymised" in log and "Gammel" not in log and "Ny Borgersen" not in log
    # A second run finds nothing more (the marker of the anonymised case is kept).
    again = RetentionRun.objects.get(pk=run_retention())
    assert (again.cases_anonymised, again.audit_rows_pruned) == (0, 0)


@pytest.mark.django_db
def test_the_run_keeps_to_its_cap(world, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 10
    settings.RETENTION_MAX_CASES_PER_RUN = 2
    for i in range(3):
        citizen = make_citizen(world.municipality, full_name=f"Lukket {i}")
        _close(make_case(world.municipality, citizen=citizen), world.caseworker, date(2020, 1, 1 + i))
    run = RetentionRun.objects.get(pk=run_retention())
    assert (run.cases_anonymised, run.cases_left) == (2, 1)


@pytest.mark.django_db
def test_administrators_see_what_the_next_run_will_do(client, world, superuser, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 10
    citizen = make_citizen(world.municipality, full_name="Prøve Borgersen")
    case = make_case(world.municipality, citizen=citizen)
    _close(case, world.caseworker, date(2020, 1, 1))
    client.force_login(superuser)
    page = client.get("/admin/borgerforloeb/retentionrun/naeste-koersel/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(case.pk) in text and "Prøve Borgersen" not in text
    assert Citizen.objects.get(pk=citizen.pk).full_name == "Prøve Borgersen"  # nothing changed
    assert "naeste-koersel" in client.get("/admin/borgerforloeb/retentionrun/").content.decode()
    client.force_login(world.odense_administrator)
    assert client.get("/admin/borgerforloeb/retentionrun/naeste-koersel/").status_code in (302, 403)
    client.force_login(world.administrator)
    assert client.get("/admin/borgerforloeb/retentionrun/naeste-koersel/").status_code in (302, 403)
