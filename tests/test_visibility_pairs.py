"""The visibility rule over (user, case) pairs (``case_visible``, used by the reminder scans)
says exactly what ``Case.objects.visible_to(user)`` says, for every branch of the rule."""

from datetime import timedelta

import pytest
from django.db.models import UUIDField, Value
from django.utils import timezone

from borgerforloeb.models import Case, CoordinatorAssignment, Participant, Task, case_visible
from core.roles import Role
from samarbejde.models import Organisation
from tests.case_factories import make_case, make_citizen, make_consent, make_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(municipality, other_municipality, organisation, make_user):
    odense = make_org(other_municipality, kind=Organisation.Kind.MUNICIPAL, name="Odense Kommune")
    voluntary = make_org(municipality, name="Foreningen Kalaaleq")
    cw = make_user(role=Role.CASEWORKER, organisation=organisation)
    cw_odense = make_user(role=Role.CASEWORKER, organisation=odense)
    citizen = make_citizen(municipality, actor=cw)
    first = make_case(municipality, actor=cw, citizen=citizen)
    second = make_case(municipality, actor=cw, citizen=citizen)
    third = make_case(
        other_municipality, actor=cw_odense, citizen=make_citizen(other_municipality, actor=cw_odense)
    )
    today = timezone.localdate()
    users = {
        "caseworker": cw,
        "caseworker elsewhere": cw_odense,
        "superuser": make_user(is_superuser=True),
        "inactive superuser": make_user(is_superuser=True, is_active=False),
        "inactive caseworker": make_user(role=Role.CASEWORKER, organisation=organisation, is_active=False),
        "no role": make_user(),
        "municipal staff": make_user(role=Role.COORDINATOR, organisation=organisation),
        "odense staff": make_user(role=Role.COORDINATOR, organisation=odense),
        "volunteer by organisation": make_user(role=Role.VOLUNTEER, organisation=voluntary),
        "volunteer by person": make_user(role=Role.VOLUNTEER),
        "volunteer expired": make_user(role=Role.VOLUNTEER),
        "volunteer withdrawn": make_user(role=Role.VOLUNTEER),
        "volunteer left": make_user(role=Role.VOLUNTEER, organisation=voluntary),
        "former coordinator": make_user(role=Role.COORDINATOR, organisation=voluntary),
    }
    archived_voluntary = make_org(municipality, name="Lukket Forening")
    archived_municipal = make_org(municipality, kind=Organisation.Kind.MUNICIPAL, name="Nedlagt Forvaltning")
    users["caseworker of archived organisation"] = make_user(
        role=Role.CASEWORKER, organisation=archived_municipal
    )
    users["staff of archived organisation"] = make_user(
        role=Role.COORDINATOR, organisation=archived_municipal
    )
    users["volunteer of archived organisation"] = make_user(
        role=Role.VOLUNTEER, organisation=archived_voluntary
    )
    u = users
    make_consent(citizen, organisations=[voluntary], actor=cw)  # covers all the citizen's cases
    make_consent(citizen, organisations=[archived_voluntary], actor=cw)
    make_consent(citizen, persons=[u["volunteer by person"]], case=second, actor=cw)  # only the second
    make_consent(
        citizen,
        persons=[u["volunteer expired"]],
        actor=cw,
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )
    withdrawn = make_consent(citizen, persons=[u["volunteer withdrawn"]], actor=cw)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()

    def take_part(user, case, active=True):
        Participant.objects.create(case=case, user=user, role="contact", active=active)

    take_part(u["municipal staff"], first)
    take_part(u["staff of archived organisation"], first)
    take_part(u["volunteer of archived organisation"], first)
    for org in (archived_voluntary, archived_municipal):
        org.archived_at = timezone.now()
        org.save()
    take_part(u["odense staff"], first)
    take_part(u["volunteer by organisation"], first)
    for case in (first, second):
        take_part(u["volunteer by person"], case)
        take_part(u["volunteer expired"], case)
        take_part(u["volunteer withdrawn"], case)
    take_part(u["volunteer left"], second, active=False)
    CoordinatorAssignment.objects.create(
        case=third,
        person=u["former coordinator"],
        started_at=timezone.now() - timedelta(days=9),
        ended_at=timezone.now() - timedelta(days=1),
    )
    CoordinatorAssignment.objects.create(case=second, person=u["former coordinator"])
    return users, {"first": first, "second": second, "third": third}


def pair_rule(user):
    """Every case the pair predicate lets this user see (the user id as the outer column)."""
    return set(
        Case.objects.annotate(viewer=Value(user.pk, output_field=UUIDField()))
        .filter(case_visible("viewer"))
        .values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_pair_rule_agrees_with_visible_to_for_every_branch(world):
    users, cases = world
    name_of = {case.pk: name for name, case in cases.items()}
    expected = {
        "caseworker": {"first", "second"},
        "caseworker elsewhere": {"third"},
        "superuser": {"first", "second", "third"},
        "inactive superuser": set(),
        "inactive caseworker": set(),
        "no role": set(),
        "municipal staff": {"first"},
        "odense staff": set(),
        "volunteer by organisation": {"first"},
        "volunteer by person": {"second"},
        "volunteer expired": set(),
        "volunteer withdrawn": set(),
        "volunteer left": set(),
        "former coordinator": {"second"},
        "caseworker of archived organisation": set(),
        "staff of archived organisation": set(),
        "volunteer of archived organisation": set(),
    }
    for name, user in users.items():
        rule = {name_of[pk] for pk in Case.objects.visible_to(user).values_list("pk", flat=True)}
        assert rule == expected[name], name
        assert {name_of[pk] for pk in pair_rule(user)} == expected[name], name


@pytest.mark.django_db
def test_pair_rule_follows_a_relation_from_other_rows(world):
    """On tasks (``case__``), each task is kept for exactly the users who may see its case."""
    users, cases = world
    caseworker = users["caseworker"]
    for name, case in cases.items():
        for user in users.values():
            Task.objects.create(case=case, title=f"{name}", responsible=user, created_by=caseworker)
    kept = set(
        Task.objects.filter(case_visible("responsible_id", "case__")).values_list("responsible_id", "case_id")
    )
    allowed = {
        (u.pk, pk) for u in users.values() for pk in Case.objects.visible_to(u).values_list("pk", flat=True)
    }
    assert kept == allowed
