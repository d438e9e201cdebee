"""The shared pieces case work is written with: ``record_case_event`` (audit row and timeline
entry of one change, together), ``core.forms.handle_post`` (the POST of a form page) and
``core.http.safe_next_url``."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory

from borgerforloeb.models import TimelineEvent
from borgerforloeb.services.events import record_case_event
from core.forms import handle_post
from core.http import safe_next_url
from core.models import AuditEvent


@pytest.mark.django_db
def test_record_case_event_writes_the_audit_row_and_the_timeline_entry(world):
    audits, entries = AuditEvent.objects.count(), TimelineEvent.objects.count()
    entry = record_case_event(
        actor=world.caseworker,
        case=world.case,
        action=AuditEvent.Action.UPDATE,
        obj=world.case,
        changes={"summary": ["før", "efter"]},
        note="test",
        kind=TimelineEvent.Kind.NOTE,
        summary="Borgerens CPR 070761-4005 nævnt",
    )
    audit = AuditEvent.objects.latest("id")
    assert (AuditEvent.objects.count(), TimelineEvent.objects.count()) == (audits + 1, entries + 1)
    assert (audit.actor, audit.case_id, audit.note, audit.object_id) == (
        world.caseworker,
        world.case.pk,
        "test",
        str(world.case.pk),
    )
    assert (entry.case, entry.actor, entry.object_id) == (world.case, world.caseworker, str(world.case.pk))
    assert "070761-4005" not in entry.summary


@pytest.mark.django_db
def test_record_case_event_leaves_nothing_when_the_workflow_rolls_back(world):
    audits, entries = AuditEvent.objects.count(), TimelineEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_case_event(
            actor=world.caseworker,
            case=world.case,
            action=AuditEvent.Action.UPDATE,
            obj=world.case,
            kind=TimelineEvent.Kind.NOTE,
            summary="Rulles tilbage",
        )
        raise RuntimeError
    assert (AuditEvent.objects.count(), TimelineEvent.objects.count()) == (audits, entries)


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="post", data=None, **extra):
    request = getattr(RequestFactory(), method)("/side/", data or {}, **extra)
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    return request


def test_handle_post_runs_the_service_shows_the_message_and_redirects():
    request = _request(data={"name": "Aviaja"})
    seen = []
    answer = handle_post(
        request,
        NameForm(request.POST),
        lambda data: seen.append(data["name"]) or "/gemt/",
        success=lambda result: f"Gemt: {result}",
        redirect_to=lambda result: result,
    )
    assert seen == ["Aviaja"]
    assert (answer.status_code, answer.url) == (302, "/gemt/")
    assert [str(m) for m in get_messages(request)] == ["Gemt: /gemt/"]


def test_handle_post_puts_the_services_refusal_on_the_form_and_renders_again():
    request = _request(data={"name": "Aviaja"})
    form = NameForm(request.POST)

    def refuse(data):
        raise ValidationError({"name": "Navnet er optaget."})

    assert handle_post(request, form, refuse, success="Gemt", redirect_to="/gemt/") is None
    assert form.errors == {"name": ["Navnet er optaget."]}
    assert list(get_messages(request)) == []


def test_handle_post_does_nothing_on_a_get_or_an_invalid_form():
    called = []
    get = _request("get")
    assert handle_post(get, NameForm(None), called.append, success="x", redirect_to="/") is None
    post = _request(data={"name": ""})
    assert handle_post(post, NameForm(post.POST), called.append, success="x", redirect_to="/") is None
    assert called == []


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/borgerforloeb/", "/borgerforloeb/"),
        ("https://evil.example/", "/standard/"),
        ("//evil.example/", "/standard/"),
        ("", "/standard/"),
    ],
)
def test_safe_next_url_keeps_the_user_on_this_site(next_value, expected):
    assert safe_next_url(_request(data={"next": next_value}), "/standard/") == expected
    assert safe_next_url(_request("get", {"next": next_value}), "/standard/") == expected


def test_safe_next_url_refuses_plain_http_from_a_secure_page():
    request = _request(data={"next": "http://testserver/side/"}, secure=True)
    assert safe_next_url(request, "/standard/") == "/standard/"
