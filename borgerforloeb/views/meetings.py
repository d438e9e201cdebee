"""Meeting pages: list, planning, minutes and the iCalendar invitation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb import ics, selectors
from borgerforloeb.forms.meetings import MeetingForm, MinutesDecisionFormSet, MinutesForm, MinutesTaskFormSet
from borgerforloeb.models import Meeting
from borgerforloeb.permissions import reads_case
from borgerforloeb.services.meetings import MEETING_FIELDS, record_minutes, save_meeting
from core.audit import audited_read
from core.forms import handle_post


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
        initial = {f: getattr(meeting, f) for f in MEETING_FIELDS}
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
    return handle_post(
        request,
        form,
        lambda data: save_meeting(actor=request.user, case=case, meeting=meeting, request=request, **data),
        success=_("Mødet er gemt."),
        redirect_to=lambda saved: reverse(
            "borgerforloeb:meeting_detail", kwargs={"pk": case.pk, "meeting_pk": saved.pk}
        ),
    ) or render(request, "borgerforloeb/meetings/form.html", {"case": case, "meeting": meeting, "form": form})


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

        def record(data):
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
            with transaction.atomic():
                return record_minutes(
                    actor=request.user,
                    meeting=meeting,
                    minutes=data["minutes"],
                    decisions=decision_data,
                    tasks=task_data,
                    request=request,
                )

        answer = handle_post(
            request,
            form,
            record,
            success=lambda made: (
                _("Referatet er gemt med %(decisions)s beslutning(er) og %(tasks)s opgave(r).")
                % {"decisions": len(made[0]), "tasks": len(made[1])}
            ),
            redirect_to=reverse(
                "borgerforloeb:meeting_detail", kwargs={"pk": case.pk, "meeting_pk": meeting.pk}
            ),
            also_valid=[decisions, tasks],
            on_error=lambda form, error: form.add_error(None, error.messages),
        )
        if answer is not None:
            return answer
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
