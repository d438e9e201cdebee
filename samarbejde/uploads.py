"""Checking uploaded guidance documents by their content, not their name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {PDF: {".pdf"}, DOCX: {".docx"}}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "SAMARBEJDE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def validate_guidance_file(uploaded_file) -> str:
    """Return the file's real MIME type, or raise ValidationError with a clear Danish message."""
    limit = max_upload_bytes()
    if uploaded_file.size > limit:
        raise ValidationError(
            _("Filen er for stor (%(size)s). Den må højst fylde %(limit)s.")
            % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded_file.size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    name = (uploaded_file.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if mime not in ALLOWED:
        raise ValidationError(
            _("Filen er hverken en PDF- eller en Word-fil (DOCX). Gem den som PDF eller DOCX og prøv igen."),
            code="wrong_type",
        )
    if extension not in ALLOWED[mime]:
        raise ValidationError(
            _("Filens navn passer ikke til indholdet. Filen er en %(kind)s-fil, men hedder %(name)s.")
            % {"kind": "PDF" if mime == PDF else "DOCX", "name": uploaded_file.name},
            code="wrong_extension",
        )
    return mime
