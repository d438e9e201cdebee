"""Reminders name the citizen: they must only reach people who can still see the case. When the
consent covering a participant is withdrawn, their task reminders stop at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from borgerforloeb import reminders
from borgerforloeb.models import Participant
from borgerforloeb.services.consents import withdraw_consent
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.tasks import create_task
from core.models import Notification
from tests.case_factories import make_consent


@pytest.fixture(autouse=True)
def _volunteer_with_a_task(world):
    """The volunteer takes part under a consent of its own and has a task due tomorrow."""
    world.volunteer_consent = make_consent(
        world.citizen, organisations=[world.uncovered], actor=world.caseworker
    )
    add_participant(
        actor=world.caseworker,
        case=world.case,
        role=Participant.Role.VOLUNTEER,
        user=world.volunteer,
        organisation=world.uncovered,
    )
    create_task(
        actor=world.caseworker,
        case=world.case,
        title="Følg med til lægen",
        responsible=world.volunteer,
        due_date=timezone.localdate() + timedelta(days=1),
    )


@pytest.mark.django_db
def test_task_reminder_reaches_a_participant_who_can_see_the_case(world):
    reminders.scan_tasks()
    assert Notification.objects.filter(recipient=world.volunteer, kind="task_due_soon").exists()


@pytest.mark.django_db
def test_no_task_reminder_after_the_consent_is_withdrawn(world):
    withdraw_consent(actor=world.caseworker, consent=world.volunteer_consent)
    reminders.scan_tasks()
    assert not Notification.objects.filter(recipient=world.volunteer).exists()
