"""core.rows: panels read as JSON arrays come back as model instances that ask nothing more."""

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext

from borgerforloeb.models import Case, Task
from core.rows import Rows


@pytest.mark.django_db
def test_rows_come_back_as_instances_with_related_objects_cached(world):
    case = world.case
    made = Task.objects.create(case=case, title="Ring til lægen", responsible=world.coordinator)
    rows = Rows(
        Task.objects.filter(case=OuterRef("pk")).order_by("created_at"),
        ("id", "case_id", "title", "due_date", "responsible_id", "responsible__id", "responsible__full_name"),
    )
    cases = Case.objects.filter(pk=case.pk).annotate(open_tasks=rows.expression())
    array = cases.values_list("open_tasks", flat=True)[0]
    with CaptureQueriesContext(connection) as read:
        [task] = rows.load(array)
        assert task == made and task.title == "Ring til lægen" and task.due_date is None
        assert task.responsible.full_name == world.coordinator.full_name
        assert task.get_status_display  # a model method works on the instance
    assert read.captured_queries == []
    with CaptureQueriesContext(connection) as deferred:
        assert task.description == made.description  # not read: deferred, so one query
    assert len(deferred.captured_queries) == 1
