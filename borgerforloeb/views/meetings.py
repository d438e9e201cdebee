"""Meeting pages: list, planning, minutes and the iCalendar invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import ics, selectors
from borgerforloeb.forms.meetings import MeetingForm, MinutesDecisionFormSet, MinutesForm, MinutesTaskFormSet
from borgerforloeb.models import Meeting
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.meetings import record_minutes, save_meeting
from core.audit import audited_read
from core.forms import apply_errors

MEETING_FORM_FIELDS = [
    "title",
    "starts_at",
    "ends_at",
    "place",
    "interpreter_needed",
    "interpreter_language",
    "interpreter_name",
    "interpreter_booked",
    "agenda",
]


def _meeting(case, meeting_pk):
    return get_object_or_404(Meeting.objects.filter(case=case), pk=meeting_pk)


@reads_case
@login_required
def meeting_list(request, pk):
    case = selectors.visible_case(request.user, pk)
    meetings = list(
        Meeting.objects.filter(case=case).prefetch_related("participants").order_by("-starts_at", "pk")
    )
    now = timezone.now()
    return render(
        request,
        "borgerforloeb/meetings/list.html",
        {
            "case": case,
            "upcoming": sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at),
            "past": [m for m in meetings if m.starts_at < now],
        },
    )


@reads_case
@login_required
def meeting_create(request, pk):
    case = selectors.visible_case(request.user, pk)
    return _meeting_form(request, case, None)


@audited_read("borgerforloeb.meeting", kwarg="meeting_pk", case_kwarg="pk")
@login_required
def meeting_edit(request, pk, meeting_pk):
    case = selectors.visible_case(request.user, pk)
    return _meeting_form(request, case, _meeting(case, meeting_pk))


def _meeting_form(request, case, meeting):
    if meeting is not None:
        initial = {f: getattr(meeting, f) for f in MEETING_FORM_FIELDS}
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        initial["ends_at"] = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        initial["participants"] = [u.pk for u in meeting.participants.all()]
    else:
        initial = {
            "interpreter_needed": case.citizen.interpreter_wanted,
            "interpreter_language": case.citizen.get_preferred_language_display()
            if case.citizen.interpreter_wanted and case.citizen.preferred_language != "other"
            else case.citizen.other_language,
        }
    form = MeetingForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in MEETING_FORM_FIELDS}
        try:
            saved = save_meeting(
                actor=request.user,
                case=case,
                meeting=meeting,
                participants=form.cleaned_data["participants"],
                request=request,
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Mødet er gemt."))
            return redirect("borgerforloeb:meeting_detail", pk=case.pk, meeting_pk=saved.pk)
    return render(
        request, "borgerforloeb/meetings/form.html", {"case": case, "meeting": meeting, "form": form}
    )


@audited_read("borgerforloeb.meeting", kwarg="meeting_pk", case_kwarg="pk")
@login_required
def meeting_detail(request, pk, meeting_pk):
    case = selectors.visible_case(request.user, pk)
    meeting = _meeting(case, meeting_pk)
    return render(
        request,
        "borgerforloeb/meetings/detail.html",
        {
            "case": case,
            "meeting": meeting,
            "participants": list(meeting.participants.all()),
            "decisions": list(meeting.decisions.all()),
            "tasks": list(meeting.tasks.select_related("responsible")),
        },
    )


@audited_read("borgerforloeb.meeting", kwarg="meeting_pk", case_kwarg="pk")
@login_required
def meeting_minutes(request, pk, meeting_pk):
    case = selectors.visible_case(request.user, pk)
    meeting = _meeting(case, meeting_pk)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        decisions = MinutesDecisionFormSet(request.POST, prefix="beslutninger")
        tasks = MinutesTaskFormSet(request.POST, prefix="opgaver", form_kwargs={"case": case})
        if form.is_valid() and decisions.is_valid() and tasks.is_valid():
            decision_data = [
                {
                    "text": d["text"].strip(),
                    "decided_by": d["decided_by"].strip(),
                    "citizen_involvement": d["citizen_involvement"].strip(),
                    "shared_with_citizen": d["shared_with_citizen"],
                    "decided_on": timezone.localtime(meeting.starts_at).date(),
                }
                for d in decisions.cleaned_data
                if d and (d.get("text") or "").strip()
            ]
            task_data = [
                {"title": t["title"].strip(), "responsible": t["responsible"], "due_date": t["due_date"]}
                for t in tasks.cleaned_data
                if t and (t.get("title") or "").strip()
            ]
            try:
                with transaction.atomic():
                    made_decisions, made_tasks = record_minutes(
                        actor=request.user,
                        meeting=meeting,
                        minutes=form.cleaned_data["minutes"],
                        decisions=decision_data,
                        tasks=task_data,
                        request=request,
                    )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Referatet er gemt med %(decisions)s beslutning(er) og %(tasks)s opgave(r).")
                    % {"decisions": len(made_decisions), "tasks": len(made_tasks)},
                )
                return redirect("borgerforloeb:meeting_detail", pk=case.pk, meeting_pk=meeting.pk)
    else:
        form = MinutesForm(initial={"minutes": meeting.minutes})
        decisions = MinutesDecisionFormSet(prefix="beslutninger")
        tasks = MinutesTaskFormSet(prefix="opgaver", form_kwargs={"case": case})
    return render(
        request,
        "borgerforloeb/meetings/minutes.html",
        {"case": case, "meeting": meeting, "form": form, "decisions": decisions, "tasks": tasks},
    )


@audited_read("borgerforloeb.meeting", kwarg="meeting_pk", case_kwarg="pk")
@login_required
def meeting_ics(request, pk, meeting_pk):
    case = selectors.visible_case(request.user, pk)
    meeting = _meeting(case, meeting_pk)
    meeting.case = case
    response = HttpResponse(ics.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="moede-{stamp}.ics"'
    return response
