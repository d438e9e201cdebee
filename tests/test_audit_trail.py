"""Audit: every write of the main services leaves a row (who, what, which case, changes) with no
CPR number in it; the trail is read-only in the admin; reads of sensitive pages are logged."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from borgerforloeb.models import Participant
from borgerforloeb.services.cases import hand_over_case
from borgerforloeb.services.citizens import show_cpr
from borgerforloeb.services.consents import withdraw_consent
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version, save_plan_version
from borgerforloeb.services.tasks import complete_task, create_task
from core.models import AuditEvent
from core.roles import Role
from tests.case_factories import make_case, make_citizen, make_consent, make_org

TEN_DIGITS = re.compile(r"\d{6}-?\d{4}")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(municipality, organisation, make_user):
    voluntary = make_org(municipality, name="Mødrehjælpen Aarhus")
    return {
        "voluntary": voluntary,
        "caseworker": make_user(role=Role.CASEWORKER, organisation=organisation, full_name="Sofie S"),
        "coordinator": make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Nuka T"),
        "second": make_user(role=Role.COORDINATOR, organisation=voluntary, full_name="Pipaluk T"),
    }


def rows(**filters):
    return AuditEvent.objects.filter(**filters)


def assert_no_cpr_in_audit():
    for event in AuditEvent.objects.all():
        text = f"{event.object_repr} {event.changes} {event.note}"
        assert not TEN_DIGITS.search(text), (event.action, event.object_type, text)


@pytest.mark.django_db
def test_main_services_write_audit_rows_without_cpr(municipality, people):
    cw, coordinator = people["caseworker"], people["coordinator"]
    citizen = make_citizen(municipality, actor=cw, full_name="Aviaja Lynge", cpr="070761-4005")
    assert rows(
        action="create", object_type="borgerforloeb.citizen", object_id=str(citizen.pk), actor=cw
    ).exists()
    assert rows(object_type="borgerforloeb.citizen").get().changes["cpr"] == "[skjult]"

    case = make_case(
        municipality,
        actor=cw,
        citizen=citizen,
        coordinator=coordinator,
        coordinator_org=people["voluntary"],
        summary="Borgeren (CPR 070761-4005) ønsker hjælp.",
    )
    assert rows(action="create", object_type="borgerforloeb.case", case_id=case.pk, actor=cw).exists()
    assert rows(action="create", object_type="borgerforloeb.coordinatorassignment", case_id=case.pk).exists()

    hand_over_case(actor=cw, case=case, new_person=people["second"], reason="Ferie, CPR 0707614005")
    handover = rows(note="handover", action="create", case_id=case.pk).get()
    assert handover.changes["person"] == ["Nuka T", "Pipaluk T"]

    participant = add_participant(
        actor=cw, case=case, role=Participant.Role.CONTACT, user=coordinator, organisation=people["voluntary"]
    )
    assert rows(
        action="create", object_type="borgerforloeb.participant", object_id=str(participant.pk)
    ).exists()

    task = create_task(actor=cw, case=case, title="Ring 070761-4005", responsible=coordinator)
    complete_task(actor=coordinator, task=task)
    done = rows(action="update", object_type="borgerforloeb.task", object_id=str(task.pk)).get()
    assert (done.actor, done.changes) == (coordinator, {"status": ["open", "done"]})

    version = new_plan_version(actor=cw, case=case)
    save_plan_version(
        actor=cw, version=version, lock_version=version.lock_version, purpose="Bolig til 0707614005"
    )
    saved = rows(action="update", object_type="borgerforloeb.planversion").get()
    assert saved.changes["purpose"] == ["", "Bolig til 070761-XXXX"]

    consent = citizen.consents.get()
    withdraw_consent(actor=cw, consent=consent, note="Borgeren ringede")
    withdrawn = rows(action="update", object_type="borgerforloeb.consent", note="withdrawn").get()
    assert withdrawn.case_id == case.pk and withdrawn.actor == cw

    show_cpr(actor=cw, citizen=citizen, case=case)
    assert rows(action="show_cpr", case_id=case.pk, actor=cw).exists()
    assert_no_cpr_in_audit()


@pytest.mark.django_db
def test_audit_admin_is_read_only_even_for_superusers(client, municipality, people, make_user):
    make_citizen(municipality, actor=people["caseworker"], full_name="Aviaja Lynge")
    event = AuditEvent.objects.get()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"object_repr": "x"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.object_repr != "x"


# --- Consent over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def consent_case(municipality, people):
    citizen = make_citizen(municipality, actor=people["caseworker"], full_name="Aviaja Lynge")
    return make_case(
        municipality,
        actor=people["caseworker"],
        citizen=citizen,
        coordinator=people["coordinator"],
        coordinator_org=people["voluntary"],
    )


@pytest.mark.django_db
def test_withdrawal_removes_access_on_the_next_request(client, consent_case, people):
    url = reverse("borgerforloeb:case_detail", args=[consent_case.pk])
    client.force_login(people["coordinator"])
    assert client.get(url).status_code == 200
    withdraw_consent(actor=people["caseworker"], consent=consent_case.citizen.consents.get())
    assert client.get(url).status_code == 404
    assert client.get(reverse("borgerforloeb:case_timeline", args=[consent_case.pk])).status_code == 404
    assert "Aviaja Lynge" not in client.get(reverse("borgerforloeb:my_cases")).content.decode()
    # The municipality's caseworker keeps access (no consent needed inside the municipality).
    client.force_login(people["caseworker"])
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_expired_consent_gives_no_access(client, consent_case, people):
    from borgerforloeb.models import Consent

    Consent.objects.filter(citizen=consent_case.citizen).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(people["coordinator"])
    assert client.get(reverse("borgerforloeb:case_detail", args=[consent_case.pk])).status_code == 404


@pytest.mark.django_db
def test_participant_from_uncovered_organisation_is_refused_with_reason(
    municipality, consent_case, people, make_user
):
    from django.core.exceptions import ValidationError

    other_org = make_org(municipality, name="Blå Kors Aarhus")
    volunteer = make_user(role=Role.VOLUNTEER, organisation=other_org)
    with pytest.raises(ValidationError) as error:
        add_participant(
            actor=people["caseworker"], case=consent_case, role=Participant.Role.VOLUNTEER, user=volunteer
        )
    assert "Borgerens samtykke dækker ikke Blå Kors Aarhus" in str(error.value)
    assert not Participant.objects.filter(user=volunteer).exists()
    make_consent(consent_case.citizen, organisations=[other_org])
    add_participant(
        actor=people["caseworker"], case=consent_case, role=Participant.Role.VOLUNTEER, user=volunteer
    )


@pytest.mark.django_db
def test_consent_expiry_warning_reaches_only_the_coordinator(consent_case, people, make_user):
    from borgerforloeb import reminders
    from borgerforloeb.models import Consent
    from core.models import Notification

    Consent.objects.filter(citizen=consent_case.citizen).update(
        valid_until=timezone.localdate() + timedelta(days=7)
    )
    # A participant with consent and the municipality's caseworker exist too.
    add_participant(
        actor=people["caseworker"], case=consent_case, role=Participant.Role.CONTACT, user=people["second"]
    )
    reminders.scan_consents()
    recipients = set(
        Notification.objects.filter(kind="consent_expiring").values_list("recipient_id", flat=True)
    )
    assert recipients == {people["coordinator"].pk}
