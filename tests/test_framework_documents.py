"""The framework's plans and workflows: versioned per municipality, shown on the municipality
page, their owner reminded exactly once before the review date, edited in the scoped admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, NotificationKind
from samarbejde import reminders
from samarbejde.models import FrameworkDocument, FrameworkDocumentVersion, WorkTool
from samarbejde.selectors import framework_documents

pytestmark = pytest.mark.django_db


def document(
    world, title="Overdragelse mellem tovholdere", *, days=10, owner=None, municipality=None, **fields
):
    doc = FrameworkDocument.objects.create(
        municipality=municipality or world.municipality,
        kind=fields.pop("kind", FrameworkDocument.Kind.WORKFLOW),
        title=title,
        owner=owner or world.administrator,
        review_date=timezone.localdate() + timedelta(days=days),
        **fields,
    )
    return doc


def test_versions_are_numbered_and_the_newest_is_in_force(client, world):
    doc = document(world)
    first = FrameworkDocumentVersion.objects.create(document=doc, body="Første udgave")
    second = FrameworkDocumentVersion.objects.create(
        document=doc, body="**Anden** udgave", change_note="Ny frist"
    )
    assert (first.number, second.number) == (1, 2)
    client.force_login(world.coordinator)
    html = client.get(doc.get_absolute_url()).content.decode()
    assert "<strong>Anden</strong> udgave" in html and "Version 2 fra" in html
    assert html.index("Anden") < html.index("Første udgave")  # earlier versions below


def test_the_municipality_page_lists_them_for_signed_in_users(client, world, django_assert_num_queries):
    url = reverse("samarbejde:municipality_detail", args=[world.municipality.slug])
    doc = document(world, days=-1, summary="Sådan overdrages et forløb")
    FrameworkDocumentVersion.objects.create(document=doc, body="Tekst")
    document(world, "Kommunens plan for samarbejdet", kind=FrameworkDocument.Kind.PLAN, days=200)
    document(world, "Odenses arbejdsgang", municipality=world.other_municipality)
    assert "Overdragelse mellem tovholdere" not in client.get(url).content.decode()
    client.force_login(world.coordinator)
    html = client.get(url).content.decode()
    assert "Overdragelse mellem tovholdere" in html and "Kommunens plan for samarbejdet" in html
    assert "Odenses arbejdsgang" not in html
    assert "Skal revideres" in html and "version 1" in html and "Aksel Administrator" in html


def test_framework_documents_cost_one_query_whatever_their_number(world, django_assert_num_queries):
    document(world, "A")
    with django_assert_num_queries(1):
        assert len(framework_documents(world.municipality)) == 1
    for i in range(6):
        doc = document(world, f"Dok {i}")
        FrameworkDocumentVersion.objects.create(document=doc, body="x")
    with django_assert_num_queries(1):
        assert len(framework_documents(world.municipality)) == 7


def test_the_owner_is_reminded_exactly_once_before_the_review_date(world, settings):
    settings.REMINDER_FRAMEWORK_REVIEW_DAYS = 30
    due = document(world, days=20)
    document(world, "Langt ude i fremtiden", days=90)
    document(world, "Ejer stoppet", days=5, owner=world.odense_caseworker).owner.__class__.objects.filter(
        pk=world.odense_caseworker.pk
    ).update(is_active=False)
    assert reminders.scan_framework_documents() == 1
    assert reminders.scan_framework_documents() == 0
    [notification] = Notification.objects.filter(kind=NotificationKind.FRAMEWORK_REVIEW_DUE)
    assert notification.recipient == world.administrator
    assert notification.event_key == f"frameworkdoc:{due.pk}"
    assert "Overdragelse mellem tovholdere" in notification.subject
    assert notification.url == due.get_absolute_url()
    # A new review date starts a new period: one new reminder when it comes near.
    due.review_date = timezone.localdate() + timedelta(days=25)
    due.save()
    assert reminders.scan_framework_documents() == 1
    assert reminders.scan_framework_documents() == 0


def test_the_scan_runs_with_the_other_reminder_scans(settings):
    assert "samarbejde.reminders.scan_all" in settings.REMINDER_SCANS


def test_admin_is_scoped_to_the_administrators_municipality(client, world):
    mine = document(world)
    theirs = document(
        world, "Odenses arbejdsgang", municipality=world.other_municipality, owner=world.outsider
    )
    world.administrator.is_staff = True
    world.administrator.save()
    client.force_login(world.administrator)
    listing = client.get(reverse("admin:samarbejde_frameworkdocument_changelist")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    change = reverse("admin:samarbejde_frameworkdocument_change", args=[theirs.pk])
    assert client.get(change).status_code in (302, 404)
    # A new version added through admin gets the next number and its author.
    url = reverse("admin:samarbejde_frameworkdocument_change", args=[mine.pk])
    response = client.post(
        url,
        {
            "municipality": world.municipality.pk,
            "kind": mine.kind,
            "title": mine.title,
            "summary": "",
            "owner": world.administrator.pk,
            "review_date": mine.review_date.isoformat(),
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-body": "Ny tekst",
            "versions-0-change_note": "Første",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = mine.versions.get()
    assert version.number == 1 and version.created_by == world.administrator


def test_the_network_map_work_tool_points_to_where_it_is_used(client, world):
    tool = WorkTool.objects.create(municipality=world.municipality, kind="netvaerkskort", name="Netværkskort")
    other = WorkTool.objects.create(municipality=world.municipality, kind="samtykke", name="Samtykke")
    client.force_login(world.coordinator)
    html = client.get(tool.get_absolute_url()).content.decode()
    assert (
        "Sådan bruges redskabet i portalen" in html and f'href="{reverse("borgerforloeb:my_cases")}"' in html
    )
    assert "Sådan bruges redskabet i portalen" not in client.get(other.get_absolute_url()).content.decode()
