"""A municipality's administrator edits a communication channel in Django admin, with the keyboard."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import Channel

pytestmark = pytest.mark.e2e


def test_administrator_edits_a_channel_in_django_admin(journey, make_user, organisation, other_municipality):
    page = journey.page
    make_user(
        role=Role.ADMINISTRATOR, organisation=organisation, email="admin@aarhus.example.dk", is_staff=True
    )
    channel = Channel.objects.create(
        municipality=organisation.municipality,
        topic="Bestilling af tolk",
        organisation=organisation,
        way=Channel.Way.PHONE,
        contact_details="87 13 00 00",
        opening_hours="Hverdage 9-12",
    )
    Channel.objects.create(
        municipality=other_municipality,
        topic="Akut hjælp i Odense",
        way=Channel.Way.PHONE,
        contact_details="7",
    )

    journey.login("admin@aarhus.example.dk", next_url="/admin/")
    # First sign-in: the administrator must set up two-factor sign-in before reaching admin.
    journey.check("two-factor-setup")
    assert "/konto/totrin/opsaet/" in page.url
    expect(page.get_by_role("img", name="QR-kode til godkenderappen")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    journey.type_into(page.get_by_role("textbox", name=re.compile(r"^Kode")), f"{totp(key):06d}")
    journey.press("Enter", step="recovery-codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    journey.activate(page.get_by_role("link", name="Jeg har gemt koderne – fortsæt"))
    journey.check("admin-index")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    journey.tab_to(page.get_by_role("link", name="Kommunikationsveje", exact=True))
    journey.press("Enter", step="channel-list")
    expect(page.get_by_role("link", name="Bestilling af tolk")).to_be_visible()
    expect(page.get_by_text("Akut hjælp i Odense")).to_have_count(0)  # another municipality's

    journey.tab_to(page.get_by_role("link", name="Bestilling af tolk"))
    journey.press("Enter", step="channel-form")
    details = page.get_by_label("Kontaktoplysninger")
    journey.tab_to(details)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("87 13 20 00 (tolkebestilling)")
    hours = page.get_by_label("Åbningstider")
    journey.tab_to(hours)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Hverdage 8-15")
    save = page.get_by_role("button", name="Gem", exact=True).or_(page.locator("input[name=_save]"))
    journey.tab_to(save)
    journey.press("Enter", step="saved")
    expect(page.locator(".messagelist")).to_contain_text("Bestilling af tolk")

    channel.refresh_from_db()
    assert channel.contact_details == "87 13 20 00 (tolkebestilling)"
    assert channel.opening_hours == "Hverdage 8-15"
    assert AuditEvent.objects.filter(object_id=str(channel.pk)).exists()

    # The change shows on the municipality's public page of communication channels.
    journey.goto(f"/samarbejde/{organisation.municipality.slug}/kanaler/", step="public-channels")
    expect(page.get_by_text("87 13 20 00 (tolkebestilling)")).to_be_visible()
