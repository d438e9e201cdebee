"""Side doors between municipalities (issue 17): a participant from another municipality cannot
move the citizen or open a case for them; the CPR duplicate check answers only within the
citizens the user may see; archived organisations give no access; a participant's organisation
is one of theirs; the people pickers list only the staff the user may see."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UUIDField, Value
from django.urls import reverse
from django.utils import timezone

from borgerforloeb import permissions
from borgerforloeb.models import Case, Citizen, Participant, case_visible
from borgerforloeb.services.cases import open_case
from borgerforloeb.services.citizens import CPR_CHECK_NOTE, CPR_IN_USE, update_citizen
from borgerforloeb.services.participants import add_participant
from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Membership, Organisation
from tests.case_factories import make_citizen, make_consent, make_org


@pytest.fixture
def world_options():
    return {"citizen": {"full_name": "Aviaja Lynge"}}


@pytest.fixture(autouse=True)
def _odense_caseworker_takes_part(world):
    """An Aarhus citizen's case in which Odense's caseworker takes part under consent."""
    make_consent(world.citizen, organisations=[world.odense], actor=world.caseworker)
    add_participant(
        actor=world.caseworker,
        case=world.case,
        user=world.odense_caseworker,
        organisation=world.odense,
        role=Participant.Role.CASEWORKER,
    )


def citizen_post(citizen, **overrides):
    data = {
        "full_name": citizen.full_name,
        "preferred_name": "",
        "cpr": "",
        "date_of_birth": citizen.date_of_birth.isoformat() if citizen.date_of_birth else "",
        "municipality": citizen.municipality_id,
        "preferred_language": "da",
        "contact_preference": "any",
    }
    data.update(overrides)
    return data


# --- Hole 2: the municipality of a citizen ------------------------------------------------------


@pytest.mark.django_db
def test_participant_from_another_municipality_cannot_move_the_citizen(
    client, world, other_municipality, municipality
):
    citizen, guest = world.citizen, world.odense_caseworker
    client.force_login(guest)
    assert client.get(world.case.get_absolute_url()).status_code == 200  # takes part
    url = reverse("borgerforloeb:citizen_edit", args=[citizen.pk])
    page = client.get(citizen.get_absolute_url()).content.decode()
    assert url not in page and "?borger=" not in page  # neither edit nor "Opret forløb" offered
    assert client.get(url).status_code == 403
    response = client.post(url, citizen_post(citizen, municipality=other_municipality.pk))
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert citizen.municipality == municipality
    with pytest.raises(ValidationError):
        update_citizen(actor=guest, citizen=citizen, municipality=other_municipality)
    citizen.refresh_from_db()
    assert citizen.municipality == municipality
    # Neither the CPR number on the citizen page nor the data export opens up for them.
    assert not permissions.can_see_cpr(guest, citizen=citizen)
    assert client.get(reverse("borgerforloeb:citizen_export", args=[citizen.pk])).status_code == 403


@pytest.mark.django_db
def test_the_citizen_form_never_offers_another_municipality(
    client, world, other_municipality, municipality, make_user
):
    # A caseworker of both municipalities edits the Aarhus citizen: only Aarhus is offered, and
    # a posted Odense is ignored.
    both = make_user(role=Role.CASEWORKER, organisation=world.odense)
    Membership.objects.create(user=both, organisation=Organisation.objects.get(name__startswith="Aarhus"))
    citizen = world.citizen
    client.force_login(both)
    url = reverse("borgerforloeb:citizen_edit", args=[citizen.pk])
    field = client.get(url).context["form"].fields["municipality"]
    assert list(field.queryset) == [municipality]
    response = client.post(
        url, citizen_post(citizen, full_name="Aviaja Lynge Olsen", municipality=other_municipality.pk)
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.full_name, citizen.municipality) == ("Aviaja Lynge Olsen", municipality)


@pytest.mark.django_db
def test_participant_from_another_municipality_cannot_open_a_case_for_the_citizen(
    client, world, other_municipality
):
    citizen, guest = world.citizen, world.odense_caseworker
    client.force_login(guest)
    url = reverse("borgerforloeb:case_create")
    form = client.get(f"{url}?borger={citizen.pk}").context["form"]
    assert citizen not in form.fields["citizen"].queryset
    assert "municipality" not in form.fields
    response = client.post(
        url,
        {
            "citizen": citizen.pk,
            "municipality": other_municipality.pk,
            "start_date": "2026-01-05",
            "summary": "x",
        },
    )
    assert response.status_code == 200
    assert Case.objects.filter(citizen=citizen).count() == 1
    with pytest.raises(ValidationError):
        open_case(actor=guest, citizen=citizen, municipality=other_municipality)
    # Not even the citizen's own caseworker opens it in another municipality.
    with pytest.raises(ValidationError):
        open_case(actor=world.caseworker, citizen=citizen, municipality=other_municipality)
    assert not Case.objects.filter(municipality=other_municipality).exists()


# --- Hole 4: the CPR duplicate check ------------------------------------------------------------


@pytest.mark.django_db
def test_cpr_check_names_no_citizen_outside_what_the_user_may_see(
    client, world, other_municipality, make_user
):
    odense_citizen = make_citizen(
        other_municipality, actor=world.odense_caseworker, full_name="Hemmelig Odensebo", cpr="150360-1008"
    )
    caseworker = world.caseworker
    client.force_login(caseworker)
    url = reverse("borgerforloeb:citizen_create")
    data = citizen_post(world.citizen, full_name="Ny Borger", cpr="150360-1008", date_of_birth="")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["form"].errors["cpr"] == [str(CPR_IN_USE)]
    for secret in ("findes allerede", "Hemmelig", "Odense", str(odense_citizen.pk), "adgang til borgeren"):
        assert secret not in html, secret
    assert Citizen.objects.filter(cpr="1503601008").count() == 1
    # The check and the refusal are in the audit trail, without the number.
    checks = AuditEvent.objects.filter(actor=caseworker, note=CPR_CHECK_NOTE)
    assert checks.count() == 1 and checks.get().changes == {"visible_match": [None, False]}
    assert AuditEvent.objects.filter(actor=caseworker, note="cpr_refused_by_constraint").exists()
    for event in AuditEvent.objects.filter(actor=caseworker):
        assert "1503601008" not in f"{event.object_repr}{event.changes}{event.note}"
        assert "150360-1008" not in f"{event.object_repr}{event.changes}{event.note}"


@pytest.mark.django_db
def test_cpr_check_still_links_to_a_citizen_the_user_may_see(client, world):
    client.force_login(world.caseworker)
    data = citizen_post(world.citizen, full_name="Dublet", cpr="070761-4005", date_of_birth="")
    html = client.post(reverse("borgerforloeb:citizen_create"), data).content.decode()
    assert "findes allerede en borger" in html and world.citizen.get_absolute_url() in html
    event = AuditEvent.objects.get(note=CPR_CHECK_NOTE)
    assert event.object_id == str(world.citizen.pk)
    assert event.changes == {"visible_match": [None, True]}


@pytest.mark.django_db
def test_cpr_checks_are_limited_per_user(client, world, settings):
    settings.CPR_CHECKS_PER_HOUR = 2
    cache.clear()
    client.force_login(world.caseworker)
    url = reverse("borgerforloeb:citizen_create")
    data = citizen_post(world.citizen, full_name="Prøve", cpr="010190-1234", date_of_birth="")
    for _ in range(2):
        errors = client.post(url, data).context["form"].errors
        assert "cpr" not in errors  # only the modulus-11 warning to confirm
    errors = client.post(url, data).context["form"].errors
    assert "for mange CPR-numre" in errors["cpr"][0]
    assert AuditEvent.objects.filter(note=CPR_CHECK_NOTE).count() == 2
    assert AuditEvent.objects.filter(note="cpr_check_limited").count() == 1
    # Another user has their own allowance.
    client.force_login(world.odense_caseworker)
    odense_data = {**data, "municipality": world.odense.municipality_id}
    assert "cpr" not in client.post(url, odense_data).context["form"].errors
    cache.clear()


# --- Point 7: archived organisations, participants' organisations, people pickers ---------------


def pair_visible(user):
    return set(
        Case.objects.annotate(viewer=Value(user.pk, output_field=UUIDField()))
        .filter(case_visible("viewer"))
        .values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_archived_organisations_give_no_case_access(world, make_user, organisation):
    case = world.case
    volunteer = make_user(role=Role.VOLUNTEER, organisation=world.voluntary)
    add_participant(
        actor=world.caseworker,
        case=case,
        user=volunteer,
        organisation=world.voluntary,
        role="volunteer",
    )
    staff = [world.caseworker, world.odense_caseworker, volunteer]
    for user in staff:
        assert set(Case.objects.visible_to(user).values_list("pk", flat=True)) == {case.pk}
        assert pair_visible(user) == {case.pk}
    now = timezone.now()
    for org in (organisation, world.odense, world.voluntary):
        org.archived_at = now
        org.save()
    for user in staff:
        assert not Case.objects.visible_to(user).exists()
        assert pair_visible(user) == set()
        assert not Citizen.objects.visible_to(user).exists()
    assert not permissions.is_citizen_caseworker(world.caseworker, world.citizen)


@pytest.mark.django_db
def test_a_participant_takes_part_only_for_one_of_their_organisations(client, world, organisation, make_user):
    case, caseworker = world.case, world.caseworker
    volunteer = make_user(role=Role.VOLUNTEER, organisation=make_org(case.municipality, name="Ikke omfattet"))
    # Naming the municipality's own organisation would skip the consent check: refused.
    with pytest.raises(ValidationError) as refused:
        add_participant(
            actor=caseworker, case=case, user=volunteer, organisation=organisation, role="volunteer"
        )
    assert "organisation" in refused.value.message_dict
    client.force_login(caseworker)
    url = reverse("borgerforloeb:case_participants", args=[case.pk])
    response = client.post(url, {"user": volunteer.pk, "organisation": organisation.pk, "role": "volunteer"})
    assert response.status_code == 200
    assert "ikke medlem af den valgte organisation" in response.context["form"].errors["organisation"][0]
    assert not Participant.objects.filter(user=volunteer).exists()
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(case=case, user=volunteer, organisation=organisation, role="volunteer")
    # Ending a membership keeps the participation and clears only its organisation.
    guest_part = Participant.objects.get(user=world.odense_caseworker)
    Membership.objects.filter(user=world.odense_caseworker, organisation=world.odense).delete()
    guest_part.refresh_from_db()
    assert guest_part.organisation is None and guest_part.active


@pytest.mark.django_db
def test_people_pickers_list_only_staff_the_user_may_see(client, world, other_municipality, make_user):
    case = world.case
    stranger = make_user(
        role=Role.COORDINATOR,
        organisation=make_org(other_municipality, name="Odense Værested"),
        full_name="Fremmed Person",
        email="fremmed@odense.example",
    )
    neighbour = make_user(role=Role.VOLUNTEER, organisation=world.voluntary, full_name="Nabo Frivillig")
    client.force_login(world.caseworker)
    for name in ("case_participants", "case_handover", "consent_create"):
        html = client.get(reverse(f"borgerforloeb:{name}", args=[case.pk])).content.decode()
        assert "Fremmed Person" not in html and "fremmed@odense.example" not in html, name
    html = client.get(reverse("borgerforloeb:case_participants", args=[case.pk])).content.decode()
    assert neighbour.full_name in html  # own municipality
    assert "Ole Odense" in html  # takes part in the case
    html = client.get(reverse("borgerforloeb:case_create")).content.decode()
    assert "Fremmed Person" not in html and "Nabo Frivillig" in html
    # A person picked from outside the list is refused like any invalid choice.
    response = client.post(
        reverse("borgerforloeb:case_participants", args=[case.pk]), {"user": stranger.pk, "role": "contact"}
    )
    assert "user" in response.context["form"].errors
    assert not Participant.objects.filter(user=stranger).exists()
    # Once a consent covers the stranger's organisation, they can be picked.
    make_consent(case.citizen, organisations=[stranger.memberships.get().organisation], case=case)
    html = client.get(reverse("borgerforloeb:case_participants", args=[case.pk])).content.decode()
    assert "Fremmed Person" in html
