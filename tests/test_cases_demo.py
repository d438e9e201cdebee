"""Demo cases: idempotent, and what the demo logins need to show."""

import io

import pytest
from django.utils import timezone

from borgerforloeb import demo
from borgerforloeb.models import Case, CoordinatorAssignment, Meeting, Participant, Task
from borgerforloeb.selectors import my_tasks
from samarbejde import demo as framework_demo


@pytest.mark.django_db
def test_demo_cases_are_idempotent_and_usable():
    out = io.StringIO()
    framework_demo.seed(out)
    demo.seed(out)
    counts = {
        model: model.objects.count() for model in (Case, CoordinatorAssignment, Participant, Task, Meeting)
    }
    demo.seed(out)
    assert counts == {model: model.objects.count() for model in counts}

    from django.contrib.auth import get_user_model

    User = get_user_model()
    coordinator = User.objects.get(email="tovholder@demo.dk")
    caseworker = User.objects.get(email="sagsbehandler@demo.dk")
    coordinated = Case.objects.filter(
        coordinator_assignments__person=coordinator, coordinator_assignments__ended_at=None
    )
    assert coordinated.count() == 3
    assert set(coordinated.values_list("municipality__slug", flat=True)) == {"koebenhavn", "aarhus"}
    assert set(Case.objects.visible_to(coordinator)) == set(coordinated)
    assert any(t.overdue for t in my_tasks(coordinator))
    assert Meeting.objects.filter(interpreter_needed=True, starts_at__gte=timezone.now()).exists()
    assert Participant.objects.filter(
        user=caseworker,
        role=Participant.Role.CASEWORKER,
        organisation__name="København Kommune, Socialforvaltningen",
        active=True,
    ).exists()
    assert Case.objects.visible_to(caseworker).filter(municipality__slug="koebenhavn").count() == 2
    assert all(not c.citizen.cpr for c in Case.objects.all())
