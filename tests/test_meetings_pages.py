"""Meetings: create with interpreter, .ics invitation, minutes creating decisions and tasks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from borgerforloeb.models import Decision, Meeting, Participant, Task
from borgerforloeb.services.meetings import record_minutes, save_meeting

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def world_options():
    return {"citizen": {"interpreter_wanted": True, "preferred_language": "kl"}}


@pytest.fixture(autouse=True)
def _caseworker_takes_part(world):
    Participant.objects.create(
        case=world.case, user=world.caseworker, organisation=world.organisation, role="caseworker"
    )


def _meeting_data(w, **extra):
    data = {
        "title": "Netværksmøde med Naja Kleist",
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T11:30",
        "place": "Jobcentret, lokale 2",
        "participants": [w.coordinator.pk, w.caseworker.pk],
        "interpreter_needed": "on",
        "interpreter_language": "Grønlandsk",
        "interpreter_booked": "on",
        "interpreter_name": "Ivalo Kristiansen",
        "agenda": "1. Bolig for Naja Kleist (CPR 070761-4005)\n2. Netværk",
    }
    data.update(extra)
    return data


def test_create_meeting_in_copenhagen_time_with_interpreter(client, world):
    client.force_login(world.caseworker)
    form = client.get(reverse("borgerforloeb:meeting_create", args=[world.case.pk])).content.decode()
    assert 'name="interpreter_needed"' in form and "checked" in form  # the citizen wants an interpreter
    response = client.post(
        reverse("borgerforloeb:meeting_create", args=[world.case.pk]), _meeting_data(world)
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(case=world.case)
    assert meeting.starts_at == datetime(2026, 12, 1, 10, 0, tzinfo=CPH)
    assert meeting.interpreter_booked and meeting.interpreter_name == "Ivalo Kristiansen"
    assert set(meeting.participants.all()) == {world.caseworker, world.coordinator}
    case_page = client.get(world.case.get_absolute_url()).content.decode()
    assert "Ivalo Kristiansen" in case_page or meeting.starts_at < timezone.now()


def test_meeting_form_messages_and_kept_input(client, world):
    client.force_login(world.caseworker)
    response = client.post(
        reverse("borgerforloeb:meeting_create", args=[world.case.pk]),
        _meeting_data(world, ends_at="2026-12-01T09:00", interpreter_language=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mødet skal slutte efter det starter." in body
    assert "Angiv hvilket sprog tolken skal tolke til." in body
    assert 'value="Jobcentret, lokale 2"' in body
    assert not Meeting.objects.exists()


def test_ics_has_the_meeting_without_cpr_or_surname(client, world):
    meeting = save_meeting(
        actor=world.caseworker,
        case=world.case,
        participants=[world.coordinator],
        title="Netværksmøde med Naja Kleist",
        starts_at=datetime(2026, 12, 1, 10, 0, tzinfo=CPH),
        ends_at=datetime(2026, 12, 1, 11, 30, tzinfo=CPH),
        place="Jobcentret",
        interpreter_needed=True,
        interpreter_language="Grønlandsk",
        agenda="Bolig for Naja Rosing Kleist, CPR 070761-4005",
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("borgerforloeb:meeting_ics", args=[world.case.pk, meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content.decode()
    for secret in ("Kleist", "Rosing", "0707614005", "070761-4005", "4005"):
        assert secret not in raw, secret
    event = next(c for c in Calendar.from_ical(response.content).walk("VEVENT"))
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 10, 0, tzinfo=CPH)
    assert event.decoded("dtend") == datetime(2026, 12, 1, 11, 30, tzinfo=CPH)
    assert "Naja" in str(event["summary"]) and str(event["location"]) == "Jobcentret"
    assert "Grønlandsk" in str(event["description"])
    assert "mailto:" + world.coordinator.email in raw.replace("\r\n ", "")


def test_minutes_create_decisions_and_tasks(client, world):
    meeting = save_meeting(
        actor=world.caseworker, case=world.case, starts_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(world.caseworker)
    url = reverse("borgerforloeb:meeting_minutes", args=[world.case.pk, meeting.pk])
    assert client.get(url).status_code == 200
    data = {
        "minutes": "Vi talte om boligen.",
        "beslutninger-TOTAL_FORMS": "1",
        "beslutninger-INITIAL_FORMS": "0",
        "beslutninger-0-text": "Borgeren søger en ungdomsbolig",
        "beslutninger-0-decided_by": "Netværksmødet",
        "beslutninger-0-citizen_involvement": "",
        "opgaver-TOTAL_FORMS": "2",
        "opgaver-INITIAL_FORMS": "0",
        "opgaver-0-title": "Søg om boligstøtte",
        "opgaver-0-responsible": world.coordinator.pk,
        "opgaver-0-due_date": "2026-12-15",
        "opgaver-1-title": "Ring til udlejer",
        "opgaver-1-responsible": "",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hvordan borgeren var involveret i beslutningen." in body
    assert "En opgave skal have præcis én ansvarlig." in body
    assert "Søg om boligstøtte" in body  # kept
    assert not Task.objects.filter(meeting=meeting).exists()

    data["beslutninger-0-citizen_involvement"] = "Borgeren deltog med tolk og ønskede det selv"
    data["opgaver-1-responsible"] = world.caseworker.pk
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi talte om boligen."
    tasks = {t.title: t for t in Task.objects.filter(meeting=meeting, case=world.case)}
    assert tasks["Søg om boligstøtte"].responsible == world.coordinator
    assert str(tasks["Søg om boligstøtte"].due_date) == "2026-12-15"
    assert tasks["Ring til udlejer"].responsible == world.caseworker
    decision = Decision.objects.get(meeting=meeting)
    assert decision.citizen_involvement.startswith("Borgeren deltog")
    kinds = set(world.case.timeline.values_list("kind", flat=True))
    assert {"meeting", "task", "decision"} <= kinds
    # The task service was used: tasks land in the responsible person's "My tasks".
    client.force_login(world.coordinator)
    assert "Søg om boligstøtte" in client.get(reverse("borgerforloeb:my_tasks")).content.decode()


def test_outsider_gets_404_on_meeting_pages(client, world):
    meeting = save_meeting(actor=world.caseworker, case=world.case, starts_at=timezone.now())
    client.force_login(world.outsider)
    pk = world.case.pk
    for name, args in [
        ("meeting_list", [pk]),
        ("meeting_create", [pk]),
        ("meeting_detail", [pk, meeting.pk]),
        ("meeting_edit", [pk, meeting.pk]),
        ("meeting_minutes", [pk, meeting.pk]),
        ("meeting_ics", [pk, meeting.pk]),
    ]:
        url = reverse(f"borgerforloeb:{name}", args=args)
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"minutes": "x"}).status_code == 404, name


def test_meeting_list_has_a_fixed_number_of_queries(client, world):
    def add(n):
        for i in range(n):
            save_meeting(
                actor=world.caseworker,
                case=world.case,
                participants=[world.coordinator, world.caseworker],
                starts_at=timezone.now() + timedelta(days=i - n // 2),
            )

    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:meeting_list", args=[world.case.pk])
    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(15)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_tasks_from_minutes_use_the_task_service_rules(world):
    meeting = save_meeting(actor=world.caseworker, case=world.case, starts_at=timezone.now())
    with pytest.raises(ValidationError):
        record_minutes(
            actor=world.caseworker,
            meeting=meeting,
            minutes="x",
            tasks=[{"title": "Uden ansvarlig", "responsible": None}],
        )
    meeting.refresh_from_db()
    assert meeting.minutes == "" and not Task.objects.exists()
