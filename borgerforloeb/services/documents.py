"""The model's forms filled from a case, printable and as PDF: the plan, the consent declaration,
the goals form and the efforts overview (indsatsoversigt).

One renderer for all four: ``build_document`` gathers what a form shows from the case (the caller
has already loaded the case through the visibility rule), ``render_html`` renders it in the
citizen's language with the municipality's name and logo (templates/borgerforloeb/documents/,
all extending ``documents/base.html``), and ``render_pdf`` turns the same HTML into a PDF with
WeasyPrint. The PDF fetches nothing: the stylesheet is inlined, the logo is a data: URI and the
fonts are the machine's own (fontconfig), so no document ever reaches the network.

Reading only: the views audit each read (``core.audit``), this module writes nothing.
"""

from __future__ import annotations

import base64
import mimetypes
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from borgerforloeb.models import Case, Consent, CoordinatorAssignment, Effort, Goal, Language, PlanVersion

# The languages a document is printed in: the citizen's own when it is one of these, else Danish.
DOCUMENT_LANGUAGES = {Language.DANISH.value, Language.GREENLANDIC.value}
STYLESHEET = "css/print.css"


@dataclass(frozen=True)
class DocumentKind:
    """One of the model's forms: its URL slug, its template and its title."""

    slug: str
    template: str
    title: str
    # What the document names in the audit row besides the case: "version" or "consent".
    subject: str | None = None


KINDS = {
    kind.slug: kind
    for kind in (
        DocumentKind("plan", "borgerforloeb/documents/plan.html", _("Plan"), subject="version"),
        DocumentKind("samtykke", "borgerforloeb/documents/consent.html", _("Samtykkeerklæring"), "consent"),
        DocumentKind("maal", "borgerforloeb/documents/goals.html", _("Mål- og aftaleskema"), "version"),
        DocumentKind("indsatser", "borgerforloeb/documents/efforts.html", _("Indsatsoversigt")),
    )
}


class DocumentNotAvailable(LookupError):
    """The case has nothing to fill the form with (no such kind, plan version or consent)."""


@dataclass
class Document:
    kind: DocumentKind
    case: Case
    language: str
    context: dict = field(default_factory=dict)
    subject: object | None = None  # the plan version or consent it shows (for the audit row)

    @property
    def filename(self) -> str:
        return f"{self.kind.slug}-{timezone.localdate():%Y-%m-%d}.pdf"


def document_language(citizen) -> str:
    """The citizen's language when the forms are translated into it, else Danish."""
    return citizen.preferred_language if citizen.preferred_language in DOCUMENT_LANGUAGES else "da"


def _plan_version(case: Case, number: int | None) -> PlanVersion:
    """The numbered version, else the accepted plan, else the draft."""
    versions = PlanVersion.objects.filter(plan__case=case).select_related("acceptance")
    if number is not None:
        version = versions.filter(number=number).first()
    else:
        version = (
            versions.filter(status=PlanVersion.Status.ACCEPTED).first()
            or versions.filter(status=PlanVersion.Status.DRAFT).first()
        )
    if version is None:
        raise DocumentNotAvailable("no plan version")
    return version


def case_consents(case: Case):
    """The consents that concern the case: its own and those given for all the citizen's cases."""
    return Consent.objects.filter(citizen_id=case.citizen_id).filter(Q(case__isnull=True) | Q(case=case))


def _consent(case: Case, consent_id) -> Consent:
    consents = case_consents(case).prefetch_related("organisations", "persons")
    if consent_id:
        try:
            consent = consents.filter(pk=uuid.UUID(str(consent_id))).first()
        except ValueError:  # not a consent's id
            consent = None
    else:
        consent = consents.valid().order_by("-valid_from", "-created_at").first()
    if consent is None:
        raise DocumentNotAvailable("no consent")
    return consent


def _coordinator(case: Case):
    assignments = CoordinatorAssignment.objects.active().filter(case=case)
    return assignments.select_related("person", "organisation").first()


def build_document(
    case: Case,
    slug: str,
    *,
    version_number: int | None = None,
    consent_id=None,
    citizen_copy: bool = True,
) -> Document:
    """What the form ``slug`` shows for ``case``. ``citizen_copy`` (all but the staff's plan print):
    in the citizen's language and without the team's internal notes."""
    kind = KINDS.get(slug)
    if kind is None:
        raise DocumentNotAvailable(slug)
    citizen = case.citizen
    language = document_language(citizen) if citizen_copy else "da"
    context = {
        "case": case,
        "citizen": citizen,
        "municipality": case.municipality,
        "citizen_copy": citizen_copy,
        "coordinator": _coordinator(case),
        "today": timezone.localdate(),
    }
    subject = None
    if kind.subject == "version":
        subject = version = _plan_version(case, version_number)
        acceptance = getattr(version, "acceptance", None)
        context.update(
            version=version,
            goals=list(Goal.objects.filter(version=version).order_by("order", "id")),
            acceptance=acceptance,
            accepted_participants=list(acceptance.participants.all()) if acceptance else [],
        )
    elif kind.subject == "consent":
        subject = consent = _consent(case, consent_id)
        context.update(
            consent=consent,
            organisations=list(consent.organisations.all()),
            persons=list(consent.persons.all()),
            consent_valid=consent.is_valid(),
        )
    if kind.slug == "indsatser":
        context["efforts"] = list(
            Effort.objects.filter(case=case)
            .select_related("responsible", "receiving_organisation", "offer")
            .order_by("start_date", "proposed_on", "title")
        )
    return Document(kind=kind, case=case, language=language, context=context, subject=subject)


def logo_data_uri(municipality) -> str:
    """The municipality's logo as a data: URI (printable offline, nothing to fetch), or ""."""
    logo = getattr(municipality, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    content_type = mimetypes.guess_type(logo.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


@cache
def _stylesheet() -> str:
    return Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")


def render_html(document: Document, *, pdf: bool = False, back_url: str = "", pdf_url: str = "") -> str:
    """The document as a page in the document's language; ``pdf``: with the stylesheet inlined
    and without the browser's print toolbar (whose links are ``back_url`` and ``pdf_url``)."""
    context = {
        **document.context,
        "kind": document.kind,
        "pdf": pdf,
        "back_url": back_url,
        "pdf_url": pdf_url,
        "logo": logo_data_uri(document.case.municipality),
        "stylesheet": _stylesheet() if pdf else "",
    }
    with translation.override(document.language):
        context["title"] = str(document.kind.title)
        return render_to_string(document.kind.template, context)


def render_pdf(document: Document) -> bytes:
    """The document as PDF. Only data: URIs may be fetched (the logo); nothing else is loaded."""
    html = render_html(document, pdf=True)
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
