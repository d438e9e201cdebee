"""Guidance documents: PDF/DOCX only, checked by content, size-limited, with clear Danish messages."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import GuidanceDocument, WorkTool

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tool(municipality):
    return WorkTool.objects.create(municipality=municipality, kind="samtykke", name="Samtykkeerklæring")


@pytest.fixture
def admin(make_user, organisation):
    return make_user(role=Role.ADMINISTRATOR, organisation=organisation, is_staff=True)


def upload(client, tool, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("samarbejde:document_upload", args=[tool.pk]),
        {"title": "Vejledning", "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.mark.parametrize("name,content", [("vejledning.pdf", PDF_BYTES), ("vejledning.docx", docx_bytes())])
def test_pdf_and_docx_are_accepted(client, tool, admin, name, content):
    client.force_login(admin)
    response = upload(client, tool, name, content)
    assert response.status_code == 302
    document = GuidanceDocument.objects.get(work_tool=tool)
    assert document.content_type in {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    assert document.size == len(content) and document.uploaded_by == admin
    assert AuditEvent.objects.filter(object_type="samarbejde.guidancedocument", action="upload").exists()
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("vejledning.pdf", b"<html><script>alert(1)</script></html>", "hverken en PDF- eller en Word-fil"),
        (
            "vejledning.docx",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,
            "hverken en PDF- eller en Word-fil",
        ),
        ("vejledning.exe", PDF_BYTES, "Filens navn passer ikke til indholdet"),
        ("vejledning.docx", PDF_BYTES, "Filens navn passer ikke til indholdet"),
        ("tom.pdf", b"", "Filen er tom"),
    ],
)
def test_wrong_type_is_refused_with_a_clear_message(client, tool, admin, name, content, message):
    client.force_login(admin)
    response = upload(client, tool, name, content, content_type="application/pdf")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GuidanceDocument.objects.exists()


def test_too_large_is_refused(client, tool, admin, settings):
    settings.SAMARBEJDE_MAX_UPLOAD_BYTES = 1024
    client.force_login(admin)
    response = upload(client, tool, "stor.pdf", PDF_BYTES + b"0" * 2000)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filen er for stor" in html and "1,0\xa0KB" in html
    assert not GuidanceDocument.objects.exists()


def test_default_limit_is_ten_megabytes():
    from samarbejde.uploads import max_upload_bytes

    assert max_upload_bytes() == 10 * 1024 * 1024


def test_admin_upload_is_checked_too(client, tool, admin):
    client.force_login(admin)
    response = client.post(
        reverse("admin:samarbejde_guidancedocument_add"),
        {
            "work_tool": tool.pk,
            "title": "Falsk",
            "file": SimpleUploadedFile("falsk.pdf", b"not a pdf at all"),
        },
    )
    assert response.status_code == 200
    assert "hverken en PDF- eller en Word-fil" in response.content.decode()
    assert not GuidanceDocument.objects.exists()
    response = client.post(
        reverse("admin:samarbejde_guidancedocument_add"),
        {"work_tool": tool.pk, "title": "Ægte", "file": SimpleUploadedFile("aegte.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    assert GuidanceDocument.objects.get().content_type == "application/pdf"
