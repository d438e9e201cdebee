"""Forums: meeting minutes create actions with exactly one responsible person and a due date."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Forum, ForumAction, ForumMeeting


@pytest.fixture
def forum(municipality, organisation):
    forum = Forum.objects.create(municipality=municipality, name="Netværksmøde", cadence="kvartalsvis")
    forum.member_organisations.add(organisation)
    return forum


@pytest.fixture
def admin(make_user, organisation):
    return make_user(role=Role.ADMINISTRATOR, organisation=organisation)


def meeting_data(actions, **extra):
    data = {
        "meeting-date": "2026-12-01T13:00",
        "meeting-place": "Rådhuset",
        "meeting-agenda": "1. Tolke",
        "meeting-minutes": "Vi aftalte at undersøge tolkebestilling.",
        "actions-TOTAL_FORMS": str(len(actions)),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }
    for i, action in enumerate(actions):
        for key, value in action.items():
            data[f"actions-{i}-{key}"] = value
    data.update(extra)
    return data


def test_minutes_create_actions(client, forum, admin, make_user, organisation):
    colleague = make_user(organisation=organisation, full_name="Nuka Kleist")
    client.force_login(admin)
    url = reverse("samarbejde:meeting_create", args=["aarhus", forum.pk])
    response = client.post(
        url,
        meeting_data(
            [
                {"title": "Undersøg tolkebestilling", "responsible": colleague.pk, "due_date": "2026-12-15",
                 "status": "aaben"},
                {"title": "Send referat", "responsible": admin.pk, "due_date": "2026-12-05",
                 "status": "aaben"},
                {"title": "", "responsible": "", "due_date": "", "status": "aaben"},  # unused extra row
            ]
        ),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    meeting = ForumMeeting.objects.get(forum=forum)
    assert meeting.minutes.startswith("Vi aftalte")
    actions = list(meeting.actions.order_by("title"))
    assert [(a.title, a.responsible, a.due_date) for a in actions] == [
        ("Send referat", admin, datetime.date(2026, 12, 5)),
        ("Undersøg tolkebestilling", colleague, datetime.date(2026, 12, 15)),
    ]
    assert AuditEvent.objects.filter(object_type="samarbejde.forumaction", action="create").count() == 2
    assert AuditEvent.objects.filter(object_type="samarbejde.forummeeting", action="create").count() == 1
    assert list(ForumAction.objects.open_for(colleague)) == [actions[1]]
    html = client.get(forum.get_absolute_url()).content.decode()
    assert "Undersøg tolkebestilling" in html and "Nuka Kleist" in html


def test_action_without_responsible_or_due_date_is_refused(client, forum, admin):
    client.force_login(admin)
    url = reverse("samarbejde:meeting_create", args=["aarhus", forum.pk])
    response = client.post(
        url,
        meeting_data([{"title": "Ingen ansvarlig", "responsible": "", "due_date": "", "status": "aaben"}]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vælg én ansvarlig person." in html
    assert "Angiv en frist." in html
    assert 'value="Ingen ansvarlig"' in html
    assert not ForumMeeting.objects.exists()
    assert not ForumAction.objects.exists()


def test_responsible_must_belong_to_the_municipality(client, forum, admin, make_user, other_municipality):
    from samarbejde.models import Organisation

    outsider_org = Organisation.objects.create(
        name="Odense", municipality=other_municipality, kind="kommunal"
    )
    outsider = make_user(organisation=outsider_org)
    client.force_login(admin)
    response = client.post(
        reverse("samarbejde:meeting_create", args=["aarhus", forum.pk]),
        meeting_data(
            [{"title": "X", "responsible": outsider.pk, "due_date": "2026-12-15", "status": "aaben"}]
        ),
    )
    assert response.status_code == 200
    assert not ForumAction.objects.exists()


def test_editing_minutes_updates_and_deletes_actions(client, forum, admin):
    meeting = ForumMeeting.objects.create(forum=forum, date="2026-09-15T13:00:00+02:00")
    keep = ForumAction.objects.create(
        meeting=meeting, title="Behold", responsible=admin, due_date="2026-10-01"
    )
    drop = ForumAction.objects.create(meeting=meeting, title="Slet", responsible=admin, due_date="2026-10-01")
    client.force_login(admin)
    data = meeting_data([], **{"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "2"})
    for i, action in enumerate([keep, drop]):
        data.update(
            {
                f"actions-{i}-id": action.pk,
                f"actions-{i}-title": action.title,
                f"actions-{i}-responsible": admin.pk,
                f"actions-{i}-due_date": "2026-10-01",
                f"actions-{i}-status": "udfoert" if action == keep else "aaben",
            }
        )
    data["actions-1-DELETE"] = "on"
    response = client.post(reverse("samarbejde:meeting_edit", args=["aarhus", forum.pk, meeting.pk]), data)
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.status == ForumAction.Status.DONE
    assert not ForumAction.objects.filter(pk=drop.pk).exists()
    assert not ForumAction.objects.open_for(admin).exists()


def test_open_for_and_my_actions_page(client, forum, admin, make_user):
    meeting = ForumMeeting.objects.create(forum=forum, date="2026-09-15T13:00:00+02:00")
    mine = ForumAction.objects.create(
        meeting=meeting, title="Min opgave", responsible=admin, due_date="2026-10-01"
    )
    ForumAction.objects.create(
        meeting=meeting, title="Færdig", responsible=admin, due_date="2026-10-01", status="udfoert"
    )
    other = make_user()
    ForumAction.objects.create(meeting=meeting, title="Andens", responsible=other, due_date="2026-10-01")
    assert list(ForumAction.objects.open_for(admin)) == [mine]
    client.force_login(admin)
    html = client.get(reverse("samarbejde:my_forum_actions")).content.decode()
    assert "Min opgave" in html and "Færdig" not in html and "Andens" not in html
    client.post(reverse("samarbejde:action_status", args=[mine.pk]), {"status": "udfoert"})
    mine.refresh_from_db()
    assert mine.status == "udfoert"
    client.force_login(other)  # not responsible, not administrator: not found
    assert (
        client.post(reverse("samarbejde:action_status", args=[mine.pk]), {"status": "aaben"}).status_code
        == 404
    )
