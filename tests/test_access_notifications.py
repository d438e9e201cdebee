"""Reminders name the citizen: they must only reach people who can still see the case. When the
consent covering a participant is withdrawn, their task reminders stop at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from borgerforloeb import reminders, services
from borgerforloeb.models import Participant
from core.models import Notification
from core.roles import Role
from tests.case_factories import make_case, make_citizen, make_consent, make_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(municipality, organisation, make_user):
    coordinator_org = make_org(municipality, name="Det Grønlandske Hus Aarhus")
    volunteer_org = make_org(municipality, name="Frivilligcenter Aarhus")
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    coordinator = make_user(role=Role.COORDINATOR, organisation=coordinator_org)
    volunteer = make_user(role=Role.VOLUNTEER, organisation=volunteer_org)
    citizen = make_citizen(municipality, actor=caseworker, full_name="Aviaja Lynge")
    case = make_case(
        municipality,
        actor=caseworker,
        citizen=citizen,
        coordinator=coordinator,
        coordinator_org=coordinator_org,
    )
    consent = make_consent(citizen, organisations=[volunteer_org], actor=caseworker)
    services.add_participant(
        actor=caseworker,
        case=case,
        role=Participant.Role.VOLUNTEER,
        user=volunteer,
        organisation=volunteer_org,
    )
    services.create_task(
        actor=caseworker,
        case=case,
        title="Følg med til lægen",
        responsible=volunteer,
        due_date=timezone.localdate() + timedelta(days=1),
    )
    return {"case": case, "consent": consent, "volunteer": volunteer, "caseworker": caseworker}


@pytest.mark.django_db
def test_task_reminder_reaches_a_participant_who_can_see_the_case(world):
    reminders.scan_tasks()
    assert Notification.objects.filter(recipient=world["volunteer"], kind="task_due_soon").exists()


@pytest.mark.django_db
def test_no_task_reminder_after_the_consent_is_withdrawn(world):
    services.withdraw_consent(actor=world["caseworker"], consent=world["consent"])
    reminders.scan_tasks()
    assert not Notification.objects.filter(recipient=world["volunteer"]).exists()
