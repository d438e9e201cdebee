""" "Det skal jeg": everything a person owes, grouped and sorted by due date, each row linking to
where it is done, in a fixed number of queries; the nav shows the count in the query it already ran."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from borgerforloeb import todo
from borgerforloeb.models import CitizenMessage, Effort
from core.roles import Role
from samarbejde.models import Forum, ForumAction, ForumMeeting
from tests.case_factories import make_org
from tests.test_reminders_common import make_task
from tilbud.models import Offer

pytestmark = pytest.mark.django_db
URL = reverse("borgerforloeb:my_duties")


def add_duties(w, n: int, receiver_user):
    today = timezone.localdate()
    forum, _ = Forum.objects.get_or_create(municipality=w.municipality, name="Styregruppen")
    meeting = ForumMeeting.objects.create(forum=forum, date=timezone.now())
    receiver = receiver_user.memberships.get().organisation
    offer = Offer.objects.create(organisation=receiver, name=f"Bostøtte {n}", description="Hjælp.")
    for i in range(n):
        make_task(w.case, responsible=w.coordinator, due=today + timedelta(days=10 - i), title=f"Opgave {i}")
        ForumAction.objects.create(
            meeting=meeting,
            title=f"Forumopgave {i}",
            responsible=w.coordinator,
            due_date=today + timedelta(days=i),
        )
        Effort.objects.create(
            case=w.case,
            title=f"Henvisning {i}",
            offer=offer,
            receiving_organisation=receiver,
            responsible=w.coordinator,
            status=Effort.Status.REFERRED,
            referred_at=timezone.now(),
        )
        CitizenMessage.objects.create(case=w.case, kind=CitizenMessage.Kind.CHANGE_REQUEST, text=f"Ønske {i}")


@pytest.fixture
def receiver_user(world, make_user):
    org = make_org(world.municipality, name="Værestedet Illu")
    return make_user(role=Role.VOLUNTEER, organisation=org, full_name="Rasmus Modtager")


def test_groups_sorted_by_due_date_and_linking_to_the_work(client, world, receiver_user):
    add_duties(world, 3, receiver_user)
    client.force_login(world.coordinator)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    groups = {g.key: g for g in response.context["groups"]}
    tasks = groups["tasks"].rows
    assert [r.title for r in tasks] == ["Opgave 2", "Opgave 1", "Opgave 0"]
    assert tasks[0].url.startswith(world.case.get_absolute_url())
    assert [r.title for r in groups["forum_actions"].rows][0] == "Forumopgave 0"
    assert len(groups["efforts"].rows) == 3 and len(groups["citizen_messages"].rows) == 3
    assert groups["referrals"].rows == []  # the coordinator's organisation receives nothing
    assert reverse("samarbejde:my_forum_actions") in body and reverse("borgerforloeb:my_tasks") in body
    # The nav's count: 3 tasks + 3 forum actions + 3 efforts + 3 messages.
    assert todo.total(world.coordinator) == 12
    assert ">12<" in body.replace(" ", "").replace("\n", "") or "12<span" in body


def test_receiving_member_sees_referrals_waiting(client, world, receiver_user):
    add_duties(world, 2, receiver_user)
    client.force_login(receiver_user)
    groups = {g.key: g for g in client.get(URL).context["groups"]}
    assert [r.title for r in groups["referrals"].rows] == ["Henvisning 0", "Henvisning 1"] or len(
        groups["referrals"].rows
    ) == 2
    assert groups["referrals"].rows[0].url.startswith(reverse("borgerforloeb:referral_list"))
    assert groups["tasks"].rows == []


def test_outsider_sees_nothing_of_the_case(client, world, receiver_user):
    add_duties(world, 1, receiver_user)
    client.force_login(world.outsider)
    assert sum(len(g.rows) for g in client.get(URL).context["groups"]) == 0


def _queries(client, user):
    client.force_login(user)
    client.get(URL)  # warm (session, roles)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_fixed_number_of_queries_at_two_sizes(client, world, receiver_user):
    add_duties(world, 2, receiver_user)
    small = _queries(client, world.coordinator)
    add_duties(world, 15, receiver_user)
    assert _queries(client, world.coordinator) == small


def test_the_page_counts_its_duties_once_for_itself_and_the_nav(client, world, receiver_user):
    add_duties(world, 2, receiver_user)
    client.force_login(world.coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    task_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "borgerforloeb_task"' in q["sql"]]
    assert len(task_reads) == 1, task_reads  # the tasks group, no second count for the nav
    assert response.context["todo_count"] == todo.total(world.coordinator) == 8


def test_the_nav_count_is_compiled_once_and_still_counts_new_duties(world, receiver_user):
    add_duties(world, 1, receiver_user)
    before = todo.total(world.coordinator)
    assert todo.count_sql(world.coordinator) is todo.count_sql(world.coordinator)  # compiled once
    add_duties(world, 2, receiver_user)
    assert todo.total(world.coordinator) > before  # the statement reads the data, not the cache
