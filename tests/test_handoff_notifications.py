"""Every hand-off is pushed to the person who must act: one notification row per event and person,
exactly once under a repeated scan or a retried task; the interpreter deadline counts Danish
working days (weekends and public holidays skipped) with the municipality's notice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from borgerforloeb import reminders, tasks
from borgerforloeb.models import CitizenMessage, Effort, Meeting
from borgerforloeb.services.efforts import answer_referral, save_effort
from core.models import Notification, NotificationKind
from core.roles import Role
from core.workdays import working_days_before
from mit_forloeb.services import ask_for_change
from samarbejde import reminders as framework_reminders
from samarbejde import tasks as framework_tasks
from samarbejde.models import Forum, ForumAction, ForumMeeting
from samarbejde.services import save_meeting
from tests.case_factories import make_org
from tilbud.models import Offer

K = NotificationKind
pytestmark = pytest.mark.django_db


def rows(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__full_name", flat=True))


@pytest.fixture
def receiver(world, make_user):
    world.receiver = make_org(world.municipality, name="Værestedet Illu")
    world.receiver_user = make_user(
        role=Role.VOLUNTEER, organisation=world.receiver, full_name="Rasmus Modtager"
    )
    world.receiver_other = make_user(
        role=Role.VOLUNTEER, organisation=world.receiver, full_name="Rikke Modtager"
    )
    world.offer = Offer.objects.create(organisation=world.receiver, name="Bostøtte", description="Hjælp.")
    return world


def refer(w, **extra):
    return save_effort(
        actor=w.coordinator,
        case=w.case,
        title="Bostøtte",
        offer=w.offer,
        responsible=w.caseworker,
        status=Effort.Status.REFERRED,
        **extra,
    )


def test_new_referral_reaches_receiving_members_once(
    receiver, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        effort = refer(receiver)
    assert rows(K.REFERRAL_NEW) == ["Rasmus Modtager", "Rikke Modtager"]
    note = Notification.objects.filter(kind=K.REFERRAL_NEW).first()
    assert "Naja" not in note.subject + note.body and "Værestedet Illu" in note.subject
    # A retried task and the periodic scan create nothing more.
    assert tasks.notify_referral(str(effort.pk)) == 0
    assert reminders.scan_referrals() == 0
    assert Notification.objects.filter(kind=K.REFERRAL_NEW).count() == 2


def test_referral_answer_reaches_responsible_and_coordinator_once(
    receiver, eager_celery, django_capture_on_commit_callbacks
):
    effort = refer(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        answer_referral(
            actor=receiver.receiver_user,
            effort=effort,
            accept=False,
            reason="Ingen ledige pladser",
            reason_kind="no_capacity",
        )
    assert rows(K.REFERRAL_ANSWERED) == ["Sofie Sagsbehandler", "Tove Tovholder"]
    note = Notification.objects.filter(kind=K.REFERRAL_ANSWERED).first()
    assert "afvist" in note.subject and "Ingen ledige pladser" in note.body
    assert tasks.notify_referral(str(effort.pk)) == 0
    assert reminders.scan_referral_answers() == 0
    assert Notification.objects.filter(kind=K.REFERRAL_ANSWERED).count() == 2


def test_citizen_change_request_reaches_coordinator_once(
    world, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_change(case=world.case, text="Kan mødet flyttes?")
    assert rows(K.CITIZEN_MESSAGE) == ["Tove Tovholder"]
    message = CitizenMessage.objects.get()
    assert tasks.notify_citizen_message(message.pk) == 0
    assert reminders.scan_citizen_messages() == 0
    assert "Kan mødet flyttes" not in Notification.objects.get().body  # the text stays in the portal


@pytest.fixture
def forum_meeting(world):
    forum = Forum.objects.create(municipality=world.municipality, name="Styregruppen")
    return ForumMeeting.objects.create(forum=forum, date=timezone.now())


def test_forum_action_assigned_and_overdue_reach_responsible_once(
    world, forum_meeting, eager_celery, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        save_meeting(
            actor=world.administrator,
            meeting=forum_meeting,
            fields={},
            actions=[{"title": "Send referat", "responsible": world.caseworker, "due_date": today}],
        )
    assert rows(K.FORUM_ACTION_ASSIGNED) == ["Sofie Sagsbehandler"]
    assert framework_tasks.notify_forum_actions(forum_meeting.pk) == 0
    assert framework_reminders.scan_forum_actions() == 0
    ForumAction.objects.update(due_date=today - timedelta(days=1))
    assert framework_reminders.scan_forum_actions() == 1
    assert framework_reminders.scan_forum_actions() == 0
    assert rows(K.FORUM_ACTION_OVERDUE) == ["Sofie Sagsbehandler"]


def test_working_days_skip_weekend_and_holiday():
    # Monday 6 April 2026 is Easter Monday; 2-3 April are Maundy Thursday and Good Friday.
    assert working_days_before(date(2026, 4, 8), 1) == date(2026, 4, 7)
    assert working_days_before(date(2026, 4, 8), 2) == date(2026, 4, 1)
    # Monday 23 November 2026: five working days back crosses one weekend.
    assert working_days_before(date(2026, 11, 23), 5) == date(2026, 11, 16)


def _meeting(w, starts):
    return Meeting.objects.create(
        case=w.case,
        title="Opfølgning",
        starts_at=starts,
        interpreter_needed=True,
        interpreter_language="kalaallisut",
        created_by=w.caseworker,
    )


def test_interpreter_not_booked_reaches_organiser_on_the_working_day_deadline(world):
    tz = timezone.get_current_timezone()
    # Meeting Wednesday 8 April 2026 10:00; Easter (2-6 April) and a weekend lie between.
    meeting = _meeting(world, timezone.make_aware(datetime(2026, 4, 8, 10), tz))
    # Five working days back: 7, 1 April, 31, 30, 27 March (Easter Monday, Good Friday, Maundy
    # Thursday and the weekend skipped); seven calendar days would give 1 April.
    deadline = date(2026, 3, 27)
    assert reminders.interpreter_deadline(date(2026, 4, 8), 5) == deadline
    before = timezone.make_aware(datetime(2026, 3, 26, 12), tz)
    assert reminders.scan_interpreters(now=before) == 0
    on = timezone.make_aware(datetime(2026, 3, 27, 8), tz)
    assert reminders.scan_interpreters(now=on) == 1
    assert reminders.scan_interpreters(now=on) == 0
    assert reminders.scan_interpreters(now=on + timedelta(days=2)) == 0
    note = Notification.objects.get(kind=K.INTERPRETER_NOT_BOOKED)
    assert note.recipient == world.caseworker and note.due_date == deadline
    Meeting.objects.filter(pk=meeting.pk).update(interpreter_booked=True)
    Notification.objects.all().delete()
    assert reminders.scan_interpreters(now=on) == 0


def test_interpreter_notice_follows_the_municipality(world):
    tz = timezone.get_current_timezone()
    world.municipality.interpreter_notice_days = 2
    world.municipality.save()
    _meeting(world, timezone.make_aware(datetime(2026, 11, 23, 10), tz))  # a Monday
    # Two working days before Monday 23 November: Friday 20th, Thursday 19th (weekend skipped).
    assert reminders.scan_interpreters(now=timezone.make_aware(datetime(2026, 11, 18, 12), tz)) == 0
    assert reminders.scan_interpreters(now=timezone.make_aware(datetime(2026, 11, 19, 8), tz)) == 1
    assert Notification.objects.get().due_date == date(2026, 11, 19)
