"""Mit forløb: the citizen's own view of their case, and the coordinator's invitation page.

Every object is looked up through the signed-in citizen (``request.citizen``), so another
citizen's consent, plan or case is "not found". Every page the citizen reads is audited.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from borgerforloeb import selectors
from borgerforloeb.models import (
    Case,
    CaseTransfer,
    Citizen,
    CitizenMessage,
    Consent,
    ContactPreference,
    CoordinatorAssignment,
    Decision,
    Effort,
    Goal,
    Meeting,
    PlanVersion,
)
from borgerforloeb.services import data_rights, documents, network
from core import audit
from core.audit import audited_read
from core.models import AuditEvent
from mit_forloeb import access_log as citizen_access_log
from mit_forloeb import invitations, oidc
from mit_forloeb import services as citizen_services
from mit_forloeb.forms import AcceptPlanForm, AccessQuestionForm, ChangeRequestForm, CodeForm

ACCESS_LOG_PAGE_SIZE = 25


def citizen_required(view):
    """Only a signed-in citizen; the page is in their language and never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        citizen = invitations.current_citizen(request)
        if citizen is None:
            return redirect("citizen:signed_out")
        request.citizen = citizen
        request.citizen_sign_in = invitations.current_sign_in(request)
        language = invitations.citizen_language(citizen)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        add_never_cache_headers(response)
        return response

    return wrapper


def citizen_page(object_type: str, **declaration):
    """A signed-in citizen's page (``citizen_required``) reading their own ``object_type``,
    declared as the citizen's read (``audited_read``, with ``declaration`` besides)."""
    declare = audited_read(
        object_type, kwarg=None, note=invitations.CITIZEN_VIEW_NOTE, citizen=True, **declaration
    )

    def decorate(view):
        return declare(citizen_required(view))

    return decorate


def citizen_case(citizen: Citizen) -> Case:
    """The citizen's current case (the newest one that is not closed)."""
    case = (
        Case.objects.filter(citizen=citizen)
        .exclude(status=Case.Status.CLOSED)
        .order_by("-start_date", "-created_at")
        .first()
    )
    if case is None:
        raise Http404
    return case


def audit_citizen_read(request, case: Case, obj=None) -> None:
    """Name the case (and the consent) the citizen's page shows, for its declared read audit, with
    the invitation (and who created it) or MitID the citizen came by."""
    sign_in = getattr(request, "citizen_sign_in", None) or invitations.current_sign_in(request)
    audit.read_subject(request, obj or case, case_id=case.pk, changes=sign_in.audit())


def _reach(coordinator, preference: str) -> dict:
    """How the citizen can reach the coordinator, following the citizen's contact preference."""
    person = coordinator.person
    phone = person.phone
    show_phone = preference not in (
        ContactPreference.EMAIL,
        ContactPreference.LETTER,
        ContactPreference.NOT_BY_PHONE,
    )
    show_email = preference not in (ContactPreference.PHONE, ContactPreference.SMS)
    return {
        "phone": phone if show_phone else "",
        "sms": preference == ContactPreference.SMS and bool(phone),
        "email": person.email if show_email else "",
        "in_person": preference in (ContactPreference.IN_PERSON, ContactPreference.LETTER),
    }


def _with_kind_labels(consents) -> list[Consent]:
    consents = list(consents)
    labels = dict(Consent.InformationKind.choices)
    for consent in consents:
        consent.kind_labels = [labels[k] for k in consent.information_kinds if k in labels]
    return consents


# --- Signing in --------------------------------------------------------------------------------


def signed_out(request):
    return render(request, "mit_forloeb/signed_out.html", {"mitid": oidc.citizen_oidc_enabled()})


@never_cache
def invitation(request, token):
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            result = invitations.redeem(token=token, code=form.cleaned_data["code"], request=request)
            if result.citizen is not None:
                invitations.sign_in_citizen(request, result.citizen, invitation=result.invitation)
                return redirect("citizen:home")
            if result.problem == "wrong_code":
                form.add_error(
                    "code",
                    _("Koden passer ikke. Du kan prøve %(count)s gange mere.")
                    % {"count": result.attempts_left},
                )
            else:
                return _link_problem(request, token, result.problem)
    else:
        try:
            invitations.find_invitation(token)
        except invitations.InvitationProblem as problem:
            return _link_problem(request, token, problem.reason)
        form = CodeForm()
    return render(request, "mit_forloeb/sign_in.html", {"form": form, "token": token})


def _link_problem(request, token, reason):
    status = 404 if reason == "unknown" else 410
    return render(request, "mit_forloeb/link_problem.html", {"reason": reason, "token": token}, status=status)


@require_POST
def new_link(request, token):
    known = invitations.request_new_link(token=token, request=request)
    return render(
        request, "mit_forloeb/new_link_requested.html", {"known": known}, status=200 if known else 404
    )


@require_POST
def sign_out(request):
    invitations.sign_out_citizen(request)
    return redirect("citizen:signed_out")


# --- The citizen's own view --------------------------------------------------------------------


@citizen_page("borgerforloeb.case")
def home(request):
    citizen = request.citizen
    try:
        case = citizen_case(citizen)
    except Http404:
        return render(request, "mit_forloeb/no_case.html", {"citizen": citizen})
    now = timezone.now()
    coordinator = (
        CoordinatorAssignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("person", "organisation")
        .first()
    )
    versions = list(
        PlanVersion.objects.filter(
            plan__case=case, status__in=[PlanVersion.Status.ACCEPTED, PlanVersion.Status.DRAFT]
        ).prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("order", "id")))
    )
    current = next((v for v in versions if v.status == PlanVersion.Status.ACCEPTED), None)
    draft = next((v for v in versions if v.status == PlanVersion.Status.DRAFT), None)
    context = {
        "citizen": citizen,
        "case": case,
        "coordinator": coordinator,
        "reach": _reach(coordinator, citizen.contact_preference) if coordinator else None,
        "current_plan": current,
        "draft_plan": draft,
        "accept_form": AcceptPlanForm(initial={"lock_version": draft.lock_version}) if draft else None,
        "change_form": ChangeRequestForm(),
        "meetings": Meeting.objects.filter(case=case, starts_at__gte=now).order_by("starts_at")[:5],
        "efforts": Effort.objects.filter(case=case)
        .exclude(status=Effort.Status.DECLINED)
        .select_related("receiving_organisation")
        .order_by("-proposed_on", "title"),
        "consents": _with_kind_labels(
            Consent.objects.filter(citizen=citizen)
            .filter(Q(case__isnull=True) | Q(case=case))
            .prefetch_related("organisations", "persons")
            .order_by("-valid_from")
        ),
        "decisions": Decision.objects.filter(case=case, shared_with_citizen=True).order_by("-decided_on")[
            :10
        ],
        "my_messages": CitizenMessage.objects.filter(case=case, kind=CitizenMessage.Kind.CHANGE_REQUEST)[:5],
        "today": timezone.localdate(),
        # A move to another municipality in the last 90 days: the citizen is told here.
        "transfer": CaseTransfer.objects.filter(
            case=case, status=CaseTransfer.Status.ACCEPTED, accepted_at__gte=now - timedelta(days=90)
        )
        .select_related("from_municipality", "to_municipality", "handover_meeting")
        .order_by("-accepted_at")
        .first(),
    }
    audit_citizen_read(request, case)
    return render(request, "mit_forloeb/home.html", context)


@citizen_page("borgerforloeb.case")
def consent_withdraw(request, pk):
    citizen = request.citizen
    case = citizen_case(citizen)
    consent = get_object_or_404(
        Consent.objects.filter(citizen=citizen).filter(Q(case__isnull=True) | Q(case=case)), pk=pk
    )
    if request.method == "POST":
        if consent.withdrawn_at is None:
            citizen_services.withdraw_consent(
                case=case, consent=consent, request=request, sign_in=request.citizen_sign_in
            )
        messages.success(
            request,
            _("Dit samtykke er trukket tilbage. Det gælder fra nu, og din tovholder har fået besked."),
        )
        return redirect("citizen:home")
    audit_citizen_read(request, case, consent)
    return render(request, "mit_forloeb/consent_withdraw.html", {"consent": consent, "case": case})


@citizen_required
@require_POST
def plan_accept(request, pk):
    case = citizen_case(request.citizen)
    version = get_object_or_404(PlanVersion, pk=pk, plan__case=case, status=PlanVersion.Status.DRAFT)
    form = AcceptPlanForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        citizen_services.accept_plan_version(
            case=case,
            version=version,
            lock_version=form.cleaned_data["lock_version"],
            request=request,
            sign_in=request.citizen_sign_in,
        )
    except ValidationError:
        messages.error(
            request, _("Planen er blevet ændret, mens du læste den. Læs den nye udgave og prøv igen.")
        )
        return redirect("citizen:home")
    messages.success(request, _("Tak. Du har sagt ja til planen, og din tovholder har fået besked."))
    return redirect("citizen:home")


@citizen_page("borgerforloeb.case")
def network_map(request):
    """The citizen's own network map, drawn and as a table (no internal notes)."""
    case = citizen_case(request.citizen)
    current = network.current_map(case)
    audit_citizen_read(request, case)
    return render(
        request,
        "mit_forloeb/network_map.html",
        {
            "case": case,
            "map": current,
            "svg": network.render_svg(current, label=_("Dig")),
            "latest": case.network_versions.order_by("-number").first(),
        },
    )


@citizen_page("borgerforloeb.case")
def change_request(request):
    case = citizen_case(request.citizen)
    draft = PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.DRAFT).first()
    about_network = request.GET.get("om") == "netvaerkskort"
    if about_network:
        draft = None  # a wish about the network map is not about the plan draft
    if request.method == "POST":
        form = ChangeRequestForm(request.POST)
        if form.is_valid():
            citizen_services.ask_for_change(
                case=case,
                text=form.cleaned_data["text"],
                plan_version=draft,
                request=request,
                sign_in=request.citizen_sign_in,
            )
            messages.success(request, _("Tak. Din besked er sendt til din tovholder."))
            return redirect("citizen:home")
    else:
        form = ChangeRequestForm(initial={"text": _("Om mit netværkskort: ")} if about_network else None)
        audit_citizen_read(request, case)
    return render(
        request,
        "mit_forloeb/change_request.html",
        {"form": form, "case": case, "about_network": about_network},
    )


def _citizen_document(request, kind):
    """The citizen's own form (their current case only; another citizen's consent is "not
    found"), with the read named for the audit row."""
    case = citizen_case(request.citizen)
    try:
        document = documents.build_document(case, kind, consent_id=request.GET.get("samtykke"))
    except documents.DocumentNotAvailable as missing:
        raise Http404 from missing
    audit_citizen_read(request, case, document.subject)
    return document


@citizen_page("borgerforloeb.case")
def document_print(request, kind):
    document = _citizen_document(request, kind)
    query = request.GET.urlencode()
    pdf_url = reverse("citizen:document_pdf", args=[kind]) + (f"?{query}" if query else "")
    return HttpResponse(documents.render_html(document, back_url=reverse("citizen:home"), pdf_url=pdf_url))


@citizen_page("borgerforloeb.case")
def document_pdf(request, kind):
    document = _citizen_document(request, kind)
    response = HttpResponse(documents.render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


# --- The coordinator's side --------------------------------------------------------------------


def _case_url(case) -> str:
    try:
        return case.get_absolute_url()
    except NoReverseMatch:
        return reverse("borgerforloeb:my_cases")


@audited_read("borgerforloeb.case", kwarg="case_pk", case_kwarg="case_pk")
@login_required
@never_cache
def invite(request, case_pk):
    """The link goes to the citizen's e-mail; this page shows the staff member only the code."""
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("citizen"), pk=case_pk)
    if not invitations.can_invite(request.user, case):
        raise Http404
    code = error = ""
    if request.method == "POST":
        try:
            code = invitations.invite_citizen(actor=request.user, case=case, request=request).code
        except ValidationError as problem:
            error = " ".join(problem.messages)
    email_hint = invitations.masked_email(case.citizen.email)
    return render(
        request,
        "mit_forloeb/staff_invitation.html",
        {
            "case": case,
            "code": code,
            "error": error,
            "sent_to": email_hint,
            "email_hint": email_hint,
            "case_url": _case_url(case),
            "hours": 72,
        },
    )


@login_required
@require_POST
def messages_read(request, case_pk):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_pk)
    citizen_services.mark_messages_read(actor=request.user, case=case, request=request)
    return redirect(_case_url(case))


# --- The citizen's data rights: who has looked, my data, consent receipts --------------------------


def _own_case_or_none(citizen):
    try:
        return citizen_case(citizen)
    except Http404:
        return None


@citizen_page("borgerforloeb.citizen")
def access_log(request):
    """Every read and change of the citizen's case and record by staff, newest first."""
    citizen = request.citizen
    page = selectors.citizen_access_page(citizen, request.GET.get("side"), per_page=ACCESS_LOG_PAGE_SIZE)
    for event in page.object_list:
        citizen_access_log.label(event)
    case = _own_case_or_none(citizen)
    audit.read_subject(
        request, citizen, case_id=case.pk if case else None, changes=request.citizen_sign_in.audit()
    )
    return render(
        request,
        "mit_forloeb/access_log.html",
        {"citizen": citizen, "page": page, "events": page.object_list, "case": case},
    )


@citizen_page("borgerforloeb.citizen")
def access_question(request, event_pk):
    citizen = request.citizen
    event = get_object_or_404(selectors.citizen_audit_events(citizen), pk=event_pk)
    case = citizen_case(citizen)
    citizen_access_log.label(event)
    if request.method == "POST":
        form = AccessQuestionForm(request.POST)
        if form.is_valid():
            citizen_services.ask_about_access(
                case=case,
                event=event,
                text=form.cleaned_data["text"],
                request=request,
                sign_in=request.citizen_sign_in,
            )
            messages.success(
                request,
                _("Tak. Dit spørgsmål er sendt til din tovholder og kommunens databeskyttelsesrådgiver."),
            )
            return redirect("citizen:access_log")
    else:
        form = AccessQuestionForm()
        audit.read_subject(request, citizen, case_id=case.pk, changes=request.citizen_sign_in.audit())
    return render(
        request,
        "mit_forloeb/access_question.html",
        {"form": form, "event": event, "case": case, "municipality": case.municipality},
    )


@citizen_page("borgerforloeb.citizen")
def my_data(request):
    citizen = request.citizen
    case = _own_case_or_none(citizen)
    audit.read_subject(
        request, citizen, case_id=case.pk if case else None, changes=request.citizen_sign_in.audit()
    )
    return render(request, "mit_forloeb/my_data.html", {"citizen": citizen, "case": case})


def _download(request, fmt: str):
    """Everything about the citizen (the staff export's content); the coordinator is told."""
    citizen = request.citizen
    case = _own_case_or_none(citizen)
    sections = data_rights.citizen_data(citizen)
    sign_in = request.citizen_sign_in
    citizen_services.record_data_download(case=case, fmt=fmt, sign_in=sign_in)
    audit.read_subject(
        request, citizen, case_id=case.pk if case else None, changes={"format": fmt, **sign_in.audit()}
    )
    return sections


@citizen_page("borgerforloeb.citizen", action=AuditEvent.Action.EXPORT)
def my_data_html(request):
    sections = _download(request, "html")
    return render(
        request, "mit_forloeb/my_data_export.html", {"citizen": request.citizen, "sections": sections}
    )


@citizen_page("borgerforloeb.citizen", action=AuditEvent.Action.EXPORT)
def my_data_json(request):
    sections = _download(request, "json")
    body = data_rights.citizen_data_json(request.citizen, sections)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mine-data.json"'
    return response


@citizen_page("borgerforloeb.consent")
def consent_receipt(request, pk):
    """A printable receipt of exactly what the citizen agreed to (and, if so, when they withdrew)."""
    citizen = request.citizen
    consent = get_object_or_404(
        Consent.objects.filter(citizen=citizen).prefetch_related("organisations", "persons"), pk=pk
    )
    case = consent.case or _own_case_or_none(citizen)
    if case is not None:
        audit_citizen_read(request, case, consent)
    else:
        audit.read_subject(request, consent)
    return render(request, "mit_forloeb/consent_receipt.html", {"consent": consent, "citizen": citizen})
