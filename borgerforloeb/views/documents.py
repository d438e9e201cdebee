"""The forms filled from a case (plan, consent declaration, goals form, efforts overview):
a print view and the same document as PDF, both in the citizen's language."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse

from borgerforloeb import selectors
from borgerforloeb.permissions import reads_case
from borgerforloeb.services import documents
from core import audit


def _version_number(request) -> int | None:
    try:
        return int(request.GET["version"])
    except (KeyError, ValueError):
        return None


def _document(request, pk, kind):
    """The case through the visibility rule (404 for outsiders), then its document (404 when the
    case has nothing to fill it with); the read is named for the audit row."""
    case = selectors.visible_case(request.user, pk)
    try:
        document = documents.build_document(
            case, kind, version_number=_version_number(request), consent_id=request.GET.get("samtykke")
        )
    except documents.DocumentNotAvailable as missing:
        raise Http404 from missing
    note = f"{request.resolver_match.url_name}:{kind}"
    audit.read_subject(request, document.subject or case, case_id=case.pk, note=note)
    return document


@reads_case
@login_required
def document_print(request, pk, kind):
    document = _document(request, pk, kind)
    query = request.GET.urlencode()
    pdf_url = reverse("borgerforloeb:document_pdf", args=[pk, kind]) + (f"?{query}" if query else "")
    html = documents.render_html(document, back_url=document.case.get_absolute_url(), pdf_url=pdf_url)
    return HttpResponse(html)


@reads_case
@login_required
def document_pdf(request, pk, kind):
    document = _document(request, pk, kind)
    response = HttpResponse(documents.render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    return response
