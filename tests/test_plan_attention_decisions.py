"""Attention points from the municipality's template, edited in one form; the decisions log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from borgerforloeb.models import AttentionPoint, AttentionPointTemplate, Decision
from borgerforloeb.services.decisions import ensure_attention_points, record_decision
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_points_are_created_from_the_municipalitys_template_when_missing(client, world):
    AttentionPointTemplate.objects.create(
        municipality=world.municipality,
        items=[
            {"key": "language", "label": "Sprog og tolk"},
            {"key": "pension", "label": "Pension fra Grønland"},
        ],
    )
    AttentionPoint.objects.filter(case=world.case).delete()
    client.force_login(world.coordinator)
    response = client.get(reverse("borgerforloeb:attention_edit", args=[world.case.pk]))
    assert response.status_code == 200
    assert list(AttentionPoint.objects.filter(case=world.case).values_list("label", flat=True)) == [
        "Sprog og tolk",
        "Pension fra Grønland",
    ]
    assert "Pension fra Grønland" in response.content.decode()


def test_default_template_gives_the_models_checklist(world):
    AttentionPoint.objects.filter(case=world.case).delete()
    points = ensure_attention_points(case=world.case)
    keys = [p.key for p in points]
    assert keys == [
        "language",
        "culture",
        "consent",
        "network",
        "children",
        "housing",
        "substance",
        "contact",
        "handover",
        "newcomer",
    ]
    # Existing points are kept as they are.
    AttentionPoint.objects.filter(case=world.case, key="housing").update(status="attention", note="Herberg")
    ensure_attention_points(case=world.case)
    assert AttentionPoint.objects.get(case=world.case, key="housing").note == "Herberg"
    assert AttentionPoint.objects.filter(case=world.case).count() == 10


def test_status_and_note_edited_in_one_form(client, world):
    points = ensure_attention_points(case=world.case)
    data = {"punkter-TOTAL_FORMS": len(points), "punkter-INITIAL_FORMS": len(points)}
    for i, p in enumerate(points):
        data[f"punkter-{i}-pk"] = p.pk
        data[f"punkter-{i}-status"] = p.status
        data[f"punkter-{i}-note"] = ""
    data["punkter-0-status"] = "attention"
    data["punkter-0-note"] = "Tolk til alle møder"
    data["punkter-5-status"] = "handled"
    client.force_login(world.caseworker)
    response = client.post(reverse("borgerforloeb:attention_edit", args=[world.case.pk]), data)
    assert response.status_code == 302
    first = AttentionPoint.objects.get(pk=points[0].pk)
    assert (first.status, first.note, first.updated_by) == (
        "attention",
        "Tolk til alle møder",
        world.caseworker,
    )
    assert AttentionPoint.objects.get(pk=points[5].pk).status == "handled"
    assert world.case.timeline.filter(kind="attention").count() == 1

    data["punkter-1-status"] = "ugyldig"
    response = client.post(reverse("borgerforloeb:attention_edit", args=[world.case.pk]), data)
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


def test_decision_requires_citizen_involvement(client, world):
    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:decision_create", args=[world.case.pk])
    response = client.post(
        url,
        {"text": "Borgeren flytter i træningsbolig", "decided_by": "Netværket", "decided_on": "2026-11-20",
         "citizen_involvement": "   "},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hvordan borgeren var involveret i beslutningen." in body
    assert "Borgeren flytter i træningsbolig" in body
    assert not Decision.objects.exists()

    response = client.post(
        url,
        {"text": "Borgeren flytter i træningsbolig", "decided_by": "Netværket", "decided_on": "2026-11-20",
         "citizen_involvement": "Borgeren foreslog det selv", "shared_with_citizen": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.shared_with_citizen and decision.recorded_by == world.coordinator
    listing = client.get(reverse("borgerforloeb:decision_list", args=[world.case.pk])).content.decode()
    assert "Borgeren foreslog det selv" in listing
    with pytest.raises(ValidationError):
        record_decision(
            actor=world.coordinator, case=world.case, text="x", decided_by="y", citizen_involvement=""
        )


def test_outsider_gets_404_on_attention_and_decisions(client, world):
    client.force_login(world.outsider)
    for name in ("attention_edit", "decision_list", "decision_create"):
        url = reverse(f"borgerforloeb:{name}", args=[world.case.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "x"}).status_code == 404


def test_decision_list_has_a_fixed_number_of_queries(client, world):
    def add(n):
        for i in range(n):
            record_decision(
                actor=world.coordinator,
                case=world.case,
                text=f"Beslutning {i}",
                decided_by="Netværket",
                citizen_involvement="Borgeren deltog",
            )

    client.force_login(world.coordinator)
    url = reverse("borgerforloeb:decision_list", args=[world.case.pk])
    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(15)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_municipality_administrator_edits_only_their_template_in_admin(
    client, world, organisation, make_user
):
    admin_user = make_user(role=Role.ADMINISTRATOR, organisation=organisation, is_staff=True)
    own = AttentionPointTemplate.objects.create(municipality=world.municipality)
    other = AttentionPointTemplate.objects.create(municipality=world.other_municipality)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:borgerforloeb_attentionpointtemplate_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    assert (
        client.get(reverse("admin:borgerforloeb_attentionpointtemplate_change", args=[own.pk])).status_code
        == 200
    )
    response = client.get(reverse("admin:borgerforloeb_attentionpointtemplate_change", args=[other.pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("admin:borgerforloeb_attentionpointtemplate_change", args=[own.pk]),
        {"municipality": world.municipality.pk, "items": '[{"key": "bolig", "label": "Bolig"}]'},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.items == [{"key": "bolig", "label": "Bolig"}]
