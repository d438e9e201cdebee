"""Helpers shared by the reminder tests (no tests here): a real local SMTP server and case data."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.services import free_port

CPR_RE = re.compile(r"\b\d{6}-?\d{4}\b")
CITIZEN_FULL_NAME = "Aviaja Kristiansen Lynge"
CITIZEN_SURNAMES = ("Kristiansen", "Lynge")
CITIZEN_CPR = "0101901234"


class RecordingHandler:
    """Accepts mail, except to ``refuse`` addresses (550 at RCPT), optionally slowly."""

    def __init__(self, refuse=(), delay: float = 0.0):
        self.refuse = {a.lower() for a in refuse}
        self.delay = delay
        self.messages: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf8", "replace")))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return [to for tos, _ in self.messages for to in tos]

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.recipients()) >= count:
                return
            time.sleep(0.05)
        raise TimeoutError(f"expected {count} e-mails, got {len(self.recipients())}")


class SMTPServer:
    def __init__(self, handler: RecordingHandler):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def make_case(*, municipality, coordinator=None, full_name=CITIZEN_FULL_NAME, cpr=CITIZEN_CPR, preferred=""):
    """A case the coordinator can see: a standing consent covers them (and whoever ``involve`` adds)."""
    from borgerforloeb.models import Case, Citizen, Consent, CoordinatorAssignment, TimelineEvent

    citizen = Citizen.objects.create(
        full_name=full_name, preferred_name=preferred, cpr=cpr, municipality=municipality
    )
    case = Case.objects.create(citizen=citizen, municipality=municipality)
    consent = Consent.objects.create(citizen=citizen, given_how="signed", text_shown="Samtykke")
    if coordinator is not None:
        CoordinatorAssignment.objects.create(
            case=case, person=coordinator, started_at=timezone.now() - timedelta(days=60)
        )
        consent.persons.add(coordinator)
    TimelineEvent.objects.create(case=case, kind=TimelineEvent.Kind.CASE, summary="Oprettet")
    return case


def involve(case, *users, participant=True):
    """Let ``users`` see the case: covered by the citizen's consent (and active participants)."""
    from borgerforloeb.models import Consent, Participant

    consent = Consent.objects.filter(citizen_id=case.citizen_id, case__isnull=True).first()
    consent.persons.add(*users)
    if participant:
        for user in users:
            Participant.objects.create(case=case, user=user, role=Participant.Role.VOLUNTEER)


def make_task(case, *, responsible, due, title="Ring til boligkontoret", status="open"):
    from borgerforloeb.models import Task

    done = {"completed_at": timezone.now()} if status == "done" else {}
    return Task.objects.create(
        case=case, title=title, responsible=responsible, due_date=due, status=status, **done
    )


def all_mail_text(outbox) -> str:
    parts = []
    for message in outbox:
        parts.append(message.subject)
        parts.append(message.body)
        for alternative, _mime in getattr(message, "alternatives", []):
            parts.append(alternative)
    return "\n".join(parts)
