"""The forms filled from a case (borgerforloeb/services/documents.py): the plan, the consent
declaration, the goals form and the efforts overview, as a print view and as PDF, in the citizen's
language (Danish or kalaallisut) with the municipality's name and logo; only for those who see the
case, and every read audited."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from borgerforloeb.models import Consent, Effort
from borgerforloeb.services.documents import KINDS
from borgerforloeb.services.efforts import save_effort
from borgerforloeb.services.plan import accept_plan_version, new_plan_version, save_plan_version
from core.models import AuditEvent
from mit_forloeb import invitations
from tests.case_factories import make_case

GOAL = "Jeg vil se mine børn hver uge"
HELPER = "Tove fra foreningen"
EFFORT = "Bostøtte hver tirsdag"


@pytest.fixture
def world_options():
    return {"citizen": {"preferred_language": "da"}}


@pytest.fixture
def filled(world, settings, tmp_path):
    """The world's case with an accepted plan (one goal), an effort and the citizen's consent, and a
    logo for the municipality."""
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 70, 140)).save(png, format="PNG")
    world.municipality.logo.save("logo.png", ContentFile(png.getvalue()))
    version = new_plan_version(actor=world.caseworker, case=world.case)
    save_plan_version(
        actor=world.caseworker,
        version=version,
        lock_version=version.lock_version,
        purpose="Egen bolig",
        goals=[{"text": GOAL, "who_helps": HELPER}],
    )
    accept_plan_version(
        actor=world.caseworker,
        version=version,
        citizen_participation="interpreter",
        interpreter_name="Tolken Aviaja",
        note="Intern note 4711",
        participants=[world.coordinator],
    )
    save_effort(
        actor=world.caseworker,
        case=world.case,
        title=EFFORT,
        responsible=world.coordinator,
        status=Effort.Status.STARTED,
        start_date=date(2026, 3, 2),
    )
    world.version = version
    return world


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def has_image(content: bytes) -> bool:
    return any(page.images for page in PdfReader(io.BytesIO(content)).pages)


def in_language(code: str, message: str) -> str:
    with translation.override(code):
        return translation.gettext(message)


# Per form: a heading it prints (a msgid) and the case's own words that must be in it.
EXPECTED = {
    "plan": ("Mine mål", [GOAL, HELPER, "Egen bolig", "Tolken Aviaja"]),
    "samtykke": ("Hvem må dele oplysninger om mig", ["Foreningen Kalaallit", "Jeg giver samtykke"]),
    "maal": ("Mine mål – med mine egne ord", [GOAL, HELPER]),
    "indsatser": ("Den hjælp, du får", [EFFORT, "Tove Tovholder"]),
}


@pytest.mark.parametrize("language", ["da", "kl"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_form_renders_as_pdf_in_the_citizens_language(client, filled, kind, language):
    filled.citizen.preferred_language = language
    filled.citizen.save(update_fields=["preferred_language"])
    client.force_login(filled.coordinator)
    response = client.get(reverse("borgerforloeb:document_pdf", args=[filled.case.pk, kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{kind}-')
    text = pdf_text(response.content)
    heading, own_words = EXPECTED[kind]
    expected_heading = in_language(language, heading)
    if language == "kl":
        assert expected_heading != heading, f"{heading!r} has no kalaallisut translation"
    assert expected_heading in text
    assert in_language(language, str(KINDS[kind].title)) in text or kind == "plan"
    for words in own_words:
        assert words in text, words
    assert "Aarhus" in text  # the municipality's name
    assert has_image(response.content)  # and its logo
    assert "Intern note 4711" not in text  # the team's internal notes stay out of the citizen's forms


def test_the_efforts_overview_names_responsible_status_and_dates_in_kalaallisut(client, filled):
    filled.citizen.preferred_language = "kl"
    filled.citizen.save(update_fields=["preferred_language"])
    client.force_login(filled.caseworker)
    response = client.get(reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "indsatser"]))
    text = pdf_text(response.content)
    status = in_language("kl", "Startet")
    assert status != "Startet" and status in text
    assert "Tove Tovholder" in text and "2026" in text


def test_the_consent_declaration_says_exactly_what_it_covers(client, filled):
    consent = filled.consent
    consent.information_kinds = [Consent.InformationKind.HEALTH]
    consent.save(update_fields=["information_kinds"])
    client.force_login(filled.coordinator)
    url = reverse("borgerforloeb:document_print", args=[filled.case.pk, "samtykke"])
    body = client.get(url, {"samtykke": consent.pk}).content.decode()
    assert "Helbred" in body and "Foreningen Kalaallit" in body
    assert "Navn og kontaktoplysninger" not in body  # a kind the consent does not cover
    assert "Frivilligcenter Aarhus" not in body  # an organisation it does not name


def test_the_print_view_is_a_page_in_the_citizens_language_without_outside_resources(client, filled):
    filled.citizen.preferred_language = "kl"
    filled.citizen.save(update_fields=["preferred_language"])
    client.force_login(filled.coordinator)
    response = client.get(reverse("borgerforloeb:document_print", args=[filled.case.pk, "maal"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="kl"' in body and GOAL in body
    assert 'src="data:image/png;base64,' in body  # the logo is inline
    assert not re.search(r'(src|href)="(https?:)?//', body)  # no CDN, nothing from elsewhere
    assert reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "maal"]) in body


def test_outsiders_get_404_and_a_case_without_the_form_404(client, filled):
    client.force_login(filled.outsider)
    for name in ("document_print", "document_pdf"):
        for kind in KINDS:
            url = reverse(f"borgerforloeb:{name}", args=[filled.case.pk, kind])
            assert client.get(url).status_code == 404, url
    client.force_login(filled.coordinator)
    assert client.get(reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "nyt"])).status_code == 404
    url = reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "samtykke"])
    assert client.get(url, {"samtykke": "ikke-et-id"}).status_code == 404
    assert (
        client.get(
            reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "plan"]), {"version": 9}
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(actor=filled.outsider, case_id=filled.case.pk).exists()


def test_each_pdf_download_is_an_audited_read(client, filled):
    client.force_login(filled.coordinator)
    before = AuditEvent.objects.count()
    client.get(reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "samtykke"]))
    client.get(reverse("borgerforloeb:document_pdf", args=[filled.case.pk, "plan"]))
    assert AuditEvent.objects.count() == before + 2
    consent_read, plan_read = AuditEvent.objects.order_by("id")[before:]
    assert (consent_read.action, consent_read.actor, consent_read.case_id) == (
        AuditEvent.Action.VIEW,
        filled.coordinator,
        filled.case.pk,
    )
    assert consent_read.object_type == "borgerforloeb.consent" and consent_read.object_id == str(
        filled.consent.pk
    )
    assert consent_read.note == "document_pdf:samtykke"
    assert plan_read.object_type == "borgerforloeb.planversion" and plan_read.note == "document_pdf:plan"
    # The case's access log says which form was read.
    client.force_login(filled.caseworker)
    log = client.get(reverse("borgerforloeb:case_access_log", args=[filled.case.pk])).content.decode()
    assert "PDF: Samtykkeerklæring" in log


def sign_in_citizen(client, citizen):
    session = client.session
    session[invitations.CITIZEN_SESSION_KEY] = str(citizen.pk)
    session[invitations.CITIZEN_SEEN_KEY] = time.time()
    session.save()


def test_the_citizen_opens_their_own_papers_in_mit_forloeb(client, filled, make_user):
    filled.citizen.preferred_language = "kl"
    filled.citizen.save(update_fields=["preferred_language"])
    sign_in_citizen(client, filled.citizen)
    home = client.get(reverse("citizen:home")).content.decode()
    assert reverse("citizen:document_pdf", args=["maal"]) in home
    before = AuditEvent.objects.count()
    response = client.get(reverse("citizen:document_pdf", args=["maal"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert GOAL in text and in_language("kl", "Mine mål – med mine egne ord") in text
    event = AuditEvent.objects.get(id__gt=AuditEvent.objects.order_by("id")[before - 1].id)
    assert (event.actor, event.case_id, event.object_type) == (
        None,
        filled.case.pk,
        "borgerforloeb.planversion",
    )
    # Another citizen's consent is "not found" here.
    other = make_case(filled.municipality, actor=filled.caseworker, consent_orgs=[filled.voluntary])
    foreign = other.citizen.consents.get()
    url = reverse("citizen:document_print", args=["samtykke"])
    assert client.get(url, {"samtykke": foreign.pk}).status_code == 404
    assert client.get(url, {"samtykke": filled.consent.pk}).status_code == 200
