"""Retention: closed cases past the period are anonymised; the dry run changes nothing; the real
run leaves no personal data of the chosen cases anywhere in the database; a cap per run."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from borgerforloeb import gdpr
from borgerforloeb.models import Case, Citizen, Decision, Meeting, Participant
from borgerforloeb.services import network
from borgerforloeb.services.cases import change_case_status, open_case
from borgerforloeb.services.citizens import show_cpr
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from borgerforloeb.services.tasks import create_task
from core.models import AuditEvent, Notification, NotificationKind
from core.roles import Role
from tests.case_factories import make_case, make_citizen

NAME = "Zakarias Qvistgaard-Unikkasen"
NICK = "Zakke-Unik"
CPR_DIGITS = "0707614005"
CPR_DASHED = "070761-4005"
PHONE = "+45 9988 7766"
EMAIL = "zakarias.unik@example.test"


def _text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
            ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


def find_everywhere(needle: str) -> list[str]:
    """Every (table.column) of the whole database whose text contains ``needle``."""
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def database_fingerprint() -> dict[str, str]:
    """md5 of every table's content: equal fingerprints mean nothing changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            query = f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
            cursor.execute(query)
            result[table] = cursor.fetchone()[0]
        return result


@pytest.fixture
def world_options():
    return {
        "citizen": {
            "full_name": NAME,
            "preferred_name": NICK,
            "cpr": CPR_DASHED,
            "phone": PHONE,
            "email": EMAIL,
            "address": "Unikkavej 7, 8000 Aarhus C",
            "what_matters": f"{NAME} vil gerne tale med sin søster.",
        },
        "case": {"summary": f"{NAME} ({CPR_DASHED}) har brug for bolig.", "start_date": date(2015, 1, 5)},
    }


@pytest.fixture(autouse=True)
def _long_closed_case(world):
    """The world's case gathers personal data everywhere and was closed long ago; ``recent`` not."""
    add_participant(
        actor=world.caseworker,
        case=world.case,
        role=Participant.Role.RELATIVE,
        name=f"Søster til {NAME}",
        responsibility=f"Ringer til {NICK} hver uge",
    )
    create_task(
        actor=world.caseworker,
        case=world.case,
        title=f"Ring til {NAME}",
        responsible=world.coordinator,
        description=EMAIL,
    )
    version = new_plan_version(actor=world.caseworker, case=world.case)
    save_plan_version(
        actor=world.caseworker,
        version=version,
        lock_version=version.lock_version,
        purpose=f"{NAME} skal have et hjem",
        goals=[{"text": f"Jeg, {NICK}, vil have min egen lejlighed", "who_helps": NAME}],
    )
    network.add_person(
        actor=world.caseworker,
        case=world.case,
        name=f"Mor til {NICK}",
        kind="family",
        ring=1,
        note=f"{NAME} ringer hver dag",
        how_to_reach=PHONE,
    )
    network.record_version(
        actor=world.caseworker,
        case=world.case,
        citizen_participation="interpreter",
        interpreter_name="Tolk Arnaq",
        others_present=f"Søster til {NAME}",
    )
    meeting = Meeting.objects.create(
        case=world.case,
        title=f"Møde med {NAME}",
        starts_at=timezone.now() - timedelta(days=3000),
        minutes=f"{NAME} (CPR {CPR_DIGITS}) deltog.",
    )
    Decision.objects.create(
        case=world.case,
        text=f"{NAME} flytter",
        decided_by="Netværket",
        citizen_involvement=f"{NICK} var med",
        meeting=meeting,
    )
    Notification.objects.create(
        recipient=world.coordinator,
        kind=NotificationKind.TASK_DUE_SOON,
        event_key="task:x",
        due_date=date(2016, 1, 1),
        subject=f"Opgave i forløbet for {NAME}",
        body=f"Husk at ringe til {NAME}.",
        url=world.case.get_absolute_url(),
    )
    show_cpr(actor=world.caseworker, citizen=world.citizen, case=world.case)
    change_case_status(
        actor=world.caseworker,
        case=world.case,
        status=Case.Status.CLOSED,
        closed_reason=f"{NAME} er flyttet til Odense",
    )
    Case.objects.filter(pk=world.case.pk).update(end_date=date(2016, 6, 30))

    # A control case: closed recently, must stay untouched.
    world.recent = make_case(world.municipality, actor=world.caseworker, summary="Nyligt afsluttet forløb")
    change_case_status(
        actor=world.caseworker, case=world.recent, status=Case.Status.CLOSED, closed_reason="Flyttet"
    )


PERSONAL = [NAME, NICK, "Qvistgaard", CPR_DIGITS, CPR_DASHED, "070761", PHONE, EMAIL, "Unikkavej"]


@pytest.mark.django_db
def test_world_contains_personal_data_everywhere_before(world):
    # Guard for the test itself: the data is really spread over many tables before the run.
    hits = find_everywhere(NAME)
    for table in [
        "borgerforloeb_citizen",
        "borgerforloeb_case",
        "borgerforloeb_task",
        "borgerforloeb_timelineevent",
        "borgerforloeb_meeting",
        "core_auditevent",
        "core_notification",
        "borgerforloeb_networkperson",
        "borgerforloeb_networkmapversion",
    ]:
        assert any(hit.startswith(table + ".") for hit in hits), table


@pytest.mark.django_db
def test_candidates_are_closed_cases_past_the_retention_period(world, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    assert list(gdpr.retention_candidates()) == [world.case]
    settings.RETENTION_DAYS_AFTER_CLOSE = 365 * 20
    assert list(gdpr.retention_candidates()) == []


@pytest.mark.django_db
def test_citizen_with_a_case_still_kept_is_not_a_candidate(world, municipality, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    open_case(actor=world.caseworker, citizen=world.citizen, municipality=municipality)
    assert list(gdpr.retention_candidates()) == []


@pytest.mark.django_db
def test_dry_run_lists_and_changes_nothing(world, settings, capsys):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    before = database_fingerprint()
    call_command("anonymise_closed_cases", "--dry-run")
    out = capsys.readouterr().out
    assert database_fingerprint() == before
    assert f"Would anonymise case {world.case.pk}" in out
    assert str(world.recent.pk) not in out
    assert "Dry run: nothing was changed." in out
    assert NAME not in out and CPR_DIGITS not in out


@pytest.mark.django_db
def test_real_run_leaves_no_personal_data_of_the_chosen_case(world, settings, capsys):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    recent_citizen_name = world.recent.citizen.full_name
    audit_rows_before = AuditEvent.objects.count()

    call_command("anonymise_closed_cases")
    assert "Anonymised 1 case(s)." in capsys.readouterr().out

    for needle in PERSONAL:
        assert find_everywhere(needle) == [], needle
    citizen = Citizen.objects.get(pk=world.citizen.pk)
    assert (citizen.full_name, citizen.cpr, citizen.date_of_birth) == (gdpr.ANONYMISED, "", None)
    # Structure and accountability stay: rows are kept, the audit says who did what and when.
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == Case.Status.CLOSED and case.tasks.count() == 1
    assert AuditEvent.objects.filter(case_id=case.pk, action=AuditEvent.Action.SHOW_CPR).exists()
    assert AuditEvent.objects.count() == audit_rows_before + 1
    # The control case is untouched; a second run finds nothing more to do.
    assert find_everywhere(recent_citizen_name)
    assert list(gdpr.retention_candidates()) == []
    call_command("anonymise_closed_cases")
    assert "Anonymised 0 case(s)." in capsys.readouterr().out


@pytest.mark.django_db
def test_limit_caps_each_run(world, municipality, settings, capsys):
    settings.RETENTION_DAYS_AFTER_CLOSE = 365
    for _ in range(2):
        extra = make_case(municipality, actor=world.caseworker)
        change_case_status(actor=None, case=extra, status=Case.Status.CLOSED, closed_reason="Slut")
        Case.objects.filter(pk=extra.pk).update(start_date=date(2010, 1, 1), end_date=date(2012, 1, 1))
    call_command("anonymise_closed_cases", "--limit", "2")
    assert "Anonymised 2 case(s). 1 left for later runs." in capsys.readouterr().out
    assert gdpr.retention_candidates().count() == 1


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_by_the_app(world):
    event = AuditEvent.objects.filter(case_id=world.case.pk).first()
    for statement in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(object_repr="changed"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()
    event.refresh_from_db()
    assert event.object_repr != "changed"


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_audit_rows(make_user, municipality, organisation):
    user = make_user(role=Role.CASEWORKER, organisation=organisation)
    make_citizen(municipality, actor=user)
    event = AuditEvent.objects.get(actor=user)
    user.delete()
    event.refresh_from_db()
    assert event.actor_id is None
