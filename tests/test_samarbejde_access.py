"""Municipality-scoped editing: a municipality's administrators edit only their own framework."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from samarbejde.access import can_administer, municipalities_administered_by
from samarbejde.models import Channel, Forum, ForumMeeting, Membership, Organisation, Unit, WorkTool


@pytest.fixture
def odense_org(other_municipality):
    return Organisation.objects.create(
        name="Odense Kommune, Socialforvaltningen", municipality=other_municipality, kind="kommunal"
    )


@pytest.fixture
def aarhus_admin(make_user, organisation):
    return make_user(role=Role.ADMINISTRATOR, organisation=organisation, is_staff=True)


@pytest.fixture
def odense_admin(make_user, odense_org):
    return make_user(role=Role.ADMINISTRATOR, organisation=odense_org, is_staff=True)


@pytest.fixture
def aarhus_framework(municipality, organisation, make_user):
    channel = Channel.objects.create(
        municipality=municipality,
        topic="Bestilling af tolk",
        organisation=organisation,
        way=Channel.Way.PHONE,
        contact_details="Tlf. 11 22 33 44",
    )
    forum = Forum.objects.create(municipality=municipality, name="Netværksmøde", cadence="kvartalsvis")
    meeting = ForumMeeting.objects.create(forum=forum, date=timezone.now())
    unit = Unit.objects.create(organisation=organisation, name="Team for socialt udsatte")
    tool = WorkTool.objects.create(
        municipality=municipality, kind="netvaerkskort", name="Aarhus netværkskort"
    )
    return {
        "channel": channel,
        "forum": forum,
        "meeting": meeting,
        "tool": tool,
        "org": organisation,
        "unit": unit,
        "membership": Membership.objects.create(
            user=make_user(), organisation=organisation, title="Rådgiver"
        ),
    }


def test_rule_municipal_administrators_only(
    make_user, municipality, other_municipality, organisation, aarhus_admin, odense_admin
):
    assert list(municipalities_administered_by(aarhus_admin)) == [municipality]
    assert list(municipalities_administered_by(odense_admin)) == [other_municipality]
    caseworker = make_user(role=Role.CASEWORKER, organisation=organisation)
    assert not municipalities_administered_by(caseworker).exists()
    voluntary = Organisation.objects.create(
        name="Frivillig forening", municipality=municipality, kind="frivillig"
    )
    volunteer_admin = make_user(role=Role.ADMINISTRATOR, organisation=voluntary)
    assert not municipalities_administered_by(volunteer_admin).exists()
    superuser = make_user(is_superuser=True, is_staff=True)
    assert set(municipalities_administered_by(superuser)) == {municipality, other_municipality}
    assert can_administer(aarhus_admin, municipality)
    assert not can_administer(aarhus_admin, other_municipality)


def test_editable_by_scopes_every_framework_model(aarhus_admin, odense_admin, aarhus_framework):
    for model, obj in [
        (Channel, aarhus_framework["channel"]),
        (Forum, aarhus_framework["forum"]),
        (ForumMeeting, aarhus_framework["meeting"]),
        (WorkTool, aarhus_framework["tool"]),
        (Organisation, aarhus_framework["org"]),
    ]:
        assert obj in model.objects.editable_by(aarhus_admin), model
        assert obj not in model.objects.editable_by(odense_admin), model


def edit_urls(fw):
    slug = fw["org"].municipality.slug
    return [
        reverse("samarbejde:channel_create", args=[slug]),
        reverse("samarbejde:channel_edit", args=[slug, fw["channel"].pk]),
        reverse("samarbejde:channel_delete", args=[slug, fw["channel"].pk]),
        reverse("samarbejde:organisation_create", args=[slug]),
        reverse("samarbejde:organisation_edit", args=[slug, fw["org"].pk]),
        reverse("samarbejde:organisation_delete", args=[slug, fw["org"].pk]),
        reverse("samarbejde:forum_create", args=[slug]),
        reverse("samarbejde:forum_edit", args=[slug, fw["forum"].pk]),
        reverse("samarbejde:meeting_create", args=[slug, fw["forum"].pk]),
        reverse("samarbejde:meeting_edit", args=[slug, fw["forum"].pk, fw["meeting"].pk]),
        reverse("samarbejde:worktool_create", args=[slug]),
        reverse("samarbejde:worktool_edit", args=[fw["tool"].pk]),
        reverse("samarbejde:document_upload", args=[fw["tool"].pk]),
        reverse("samarbejde:unit_create", args=[slug, fw["org"].pk]),
        reverse("samarbejde:unit_edit", args=[slug, fw["org"].pk, fw["unit"].pk]),
        reverse("samarbejde:membership_edit", args=[slug, fw["org"].pk, fw["membership"].pk]),
    ]


def test_edit_pages_open_for_own_administrator(client, aarhus_admin, aarhus_framework):
    client.force_login(aarhus_admin)
    for url in edit_urls(aarhus_framework):
        assert client.get(url).status_code == 200, url


def test_other_municipalitys_administrator_gets_404(client, odense_admin, aarhus_framework):
    client.force_login(odense_admin)
    for url in edit_urls(aarhus_framework):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"topic": "Hacket", "name": "Hacket"}).status_code == 404, url
    archive = reverse("samarbejde:organisation_archive", args=["aarhus", aarhus_framework["org"].pk])
    assert client.post(archive).status_code == 404
    channel = aarhus_framework["channel"]
    channel.refresh_from_db()
    assert channel.topic == "Bestilling af tolk"
    assert Channel.objects.count() == 1
    aarhus_framework["org"].refresh_from_db()
    assert aarhus_framework["org"].archived_at is None


def test_caseworker_gets_404_and_anonymous_is_sent_to_login(
    client, make_user, organisation, aarhus_framework
):
    url = reverse("samarbejde:channel_edit", args=["aarhus", aarhus_framework["channel"].pk])
    response = client.get(url)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(make_user(role=Role.CASEWORKER, organisation=organisation))
    assert client.get(url).status_code == 404


def test_own_administrator_edits_a_channel_and_it_is_audited(client, aarhus_admin, aarhus_framework):
    from core.models import AuditEvent

    channel = aarhus_framework["channel"]
    client.force_login(aarhus_admin)
    response = client.post(
        reverse("samarbejde:channel_edit", args=["aarhus", channel.pk]),
        {
            "topic": "Bestilling af tolk",
            "organisation": aarhus_framework["org"].pk,
            "way": Channel.Way.SECURE_EMAIL,
            "contact_details": "tolk@aarhus.example",
            "opening_hours": "Hverdage 8-15",
        },
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.way == Channel.Way.SECURE_EMAIL
    event = AuditEvent.objects.get(object_type="samarbejde.channel", action="update")
    assert event.actor == aarhus_admin
    assert event.changes["way"] == ["telefon", "sikker_mail"]


class TestDjangoAdmin:
    def test_changelist_shows_only_own_municipality(
        self, client, aarhus_admin, odense_admin, aarhus_framework
    ):
        client.force_login(odense_admin)
        for model in ["channel", "forum", "organisation", "worktool", "forummeeting"]:
            response = client.get(reverse(f"admin:samarbejde_{model}_changelist"))
            assert response.status_code == 200, model
            html = response.content.decode()
            assert "Bestilling af tolk" not in html
            assert "Aarhus netværkskort" not in html
            assert "Aarhus Kommune, Socialforvaltningen" not in html
        client.force_login(aarhus_admin)
        html = client.get(reverse("admin:samarbejde_channel_changelist")).content.decode()
        assert "Bestilling af tolk" in html

    def test_change_view_of_other_municipality_is_404(
        self, client, aarhus_admin, odense_admin, aarhus_framework
    ):
        urls = [
            reverse("admin:samarbejde_channel_change", args=[aarhus_framework["channel"].pk]),
            reverse("admin:samarbejde_forum_change", args=[aarhus_framework["forum"].pk]),
            reverse("admin:samarbejde_organisation_change", args=[aarhus_framework["org"].pk]),
            reverse("admin:samarbejde_worktool_change", args=[aarhus_framework["tool"].pk]),
            reverse("admin:samarbejde_channel_delete", args=[aarhus_framework["channel"].pk]),
        ]
        client.force_login(odense_admin)
        for url in urls:
            assert client.get(url).status_code == 404, url
        client.force_login(aarhus_admin)
        for url in urls:
            assert client.get(url).status_code == 200, url

    def test_admin_cannot_move_a_channel_to_another_municipality(
        self, client, aarhus_admin, other_municipality, aarhus_framework
    ):
        channel = aarhus_framework["channel"]
        client.force_login(aarhus_admin)
        response = client.post(
            reverse("admin:samarbejde_channel_change", args=[channel.pk]),
            {
                "municipality": other_municipality.pk,
                "topic": channel.topic,
                "way": channel.way,
                "contact_details": channel.contact_details,
            },
        )
        assert response.status_code == 200  # form error: not a valid choice
        channel.refresh_from_db()
        assert channel.municipality.slug == "aarhus"

    def test_superuser_sees_everything(self, client, make_user, aarhus_framework):
        client.force_login(make_user(is_superuser=True, is_staff=True))
        html = client.get(reverse("admin:samarbejde_channel_changelist")).content.decode()
        assert "Bestilling af tolk" in html


def test_forum_action_due_date_is_required(aarhus_framework, aarhus_admin):
    from django.db import IntegrityError, transaction

    from samarbejde.models import ForumAction

    with pytest.raises(IntegrityError), transaction.atomic():
        ForumAction.objects.create(meeting=aarhus_framework["meeting"], title="x", responsible=aarhus_admin)
    ForumAction.objects.create(
        meeting=aarhus_framework["meeting"],
        title="x",
        responsible=aarhus_admin,
        due_date=datetime.date.today(),
    )


def test_admin_inline_changes_are_audited(client, aarhus_admin, organisation):
    from core.models import AuditEvent
    from samarbejde.models import Membership, Unit

    client.force_login(aarhus_admin)
    membership = Membership.objects.get(user=aarhus_admin)
    response = client.post(
        reverse("admin:samarbejde_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "kind": organisation.kind,
            "municipality": organisation.municipality.pk,
            "units-TOTAL_FORMS": "1",
            "units-INITIAL_FORMS": "0",
            "units-0-name": "Team for socialt udsatte",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-user": aarhus_admin.pk,
            "memberships-0-title": "Koordinator",
            "memberships-0-contact_about": "Rammen",
            "memberships-0-is_key_contact": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(organisation=organisation)
    assert AuditEvent.objects.filter(
        object_type="samarbejde.unit", object_id=str(unit.pk), action="create"
    ).exists()
    event = AuditEvent.objects.get(object_type="samarbejde.membership", action="update")
    assert event.changes["title"] == ["", "Koordinator"]


def test_administrator_edits_key_contact_in_the_portal(client, aarhus_admin, aarhus_framework, municipality):
    from core.models import AuditEvent

    membership = Membership.objects.get(user=aarhus_admin)
    client.force_login(aarhus_admin)
    response = client.post(
        reverse("samarbejde:membership_edit", args=["aarhus", aarhus_framework["org"].pk, membership.pk]),
        {
            "unit": aarhus_framework["unit"].pk,
            "title": "Tolkekoordinator",
            "contact_about": "Bestilling af tolk",
            "is_key_contact": "on",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_key_contact and membership.title == "Tolkekoordinator"
    assert AuditEvent.objects.filter(object_type="samarbejde.membership", action="update").exists()
    html = client.get(municipality.get_absolute_url()).content.decode()
    assert "Tolkekoordinator" in html and aarhus_admin.email in html
