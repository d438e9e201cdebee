"""Citizen sign-in to Mit forløb: invitations from the coordinator and the short citizen session.

A citizen is not a staff ``User``. The coordinator creates an invitation on the case page: a
one-time link (a random token; only its SHA-256 is stored) that expires after
``INVITATION_LIFETIME`` and a 6-digit code given in person (stored as a password hash). The link
is e-mailed to the citizen and never shown to the staff member, who sees only the code
(``invite_citizen``): no one person holds both. Wrong
codes are counted on the invitation, which locks after ``CitizenInvitation.MAX_ATTEMPTS``.
A successful sign-in starts a fresh session that carries only the citizen's id under
``CITIZEN_SESSION_KEY``; it ends when the browser closes or after ``CITIZEN_SESSION_SECONDS``
without activity.

A national identity broker (MitID through OpenID Connect) can replace the invitation: a login
path that ends in ``sign_in_citizen(request, citizen)`` after matching the broker's CPR (or
``sub``) claim to a citizen is all it takes; see ``CITIZEN_OIDC`` in README.md.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from borgerforloeb import permissions
from borgerforloeb.models import (
    Case,
    Citizen,
    CitizenInvitation,
    CitizenMessage,
    CitizenSignIn,
    Language,
    TimelineEvent,
    citizen_sign_in_label,
)
from borgerforloeb.services.citizens import citizen_sign_in_audit
from borgerforloeb.services.events import record_case_event
from borgerforloeb.services.handoffs import announce_citizen_message
from core import audit
from core.models import AuditEvent

INVITATION_LIFETIME = timedelta(hours=72)
CITIZEN_SESSION_KEY = "citizen_id"
CITIZEN_SEEN_KEY = "citizen_seen_at"
log = logging.getLogger(__name__)
CITIZEN_SESSION_SECONDS = getattr(settings, "CITIZEN_SESSION_SECONDS", 30 * 60)
CITIZEN_VIEW_NOTE = audit.CITIZEN_VIEW_NOTE  # AuditEvent.note of the citizen's own reads
CITIZEN_VIA_KEY = "citizen_via"  # how the session was started: a CitizenSignIn value
CITIZEN_INVITATION_KEY = "citizen_invitation_id"  # the invitation used, when that way
CITIZEN_LANGUAGES = {Language.GREENLANDIC: "kl"}  # everything else is shown in Danish


def citizen_language(citizen: Citizen) -> str:
    """The language the citizen's pages and e-mails are in."""
    return CITIZEN_LANGUAGES.get(citizen.preferred_language, "da")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_invite(user, case: Case) -> bool:
    """The case's active coordinator or a caseworker of the citizen's municipality
    (``permissions.can_invite_citizen``), on a case they can see."""
    return permissions.can_see_case(user, case) and permissions.can_invite_citizen(user, case)


@dataclass(frozen=True)
class IssuedInvitation:
    """What the coordinator hands over once: the link token and the code (never stored in clear)."""

    invitation: CitizenInvitation
    token: str
    code: str


def create_invitation(*, actor, case: Case, request=None, now=None) -> IssuedInvitation:
    """Issue a new invitation for the case's citizen; open earlier invitations stop working."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        CitizenInvitation.objects.filter(case=case).open(now).update(revoked_at=now)
        invitation = CitizenInvitation.objects.create(
            case=case,
            token_hash=hash_token(token),
            code_hash=make_password(code),
            created_by=actor,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        record_case_event(
            actor=actor,
            case=case,
            action=AuditEvent.Action.CREATE,
            obj=invitation,
            changes={"expires_at": [None, invitation.expires_at.isoformat()]},
            request=request,
            kind=TimelineEvent.Kind.CASE,
            summary=_("Borgeren er inviteret til Mit forløb"),
        )
    return IssuedInvitation(invitation=invitation, token=token, code=code)


def invitation_link(token: str, request=None) -> str:
    path = reverse("citizen:invitation", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def invite_citizen(*, actor, case: Case, request=None) -> IssuedInvitation:
    """Invite the citizen along two channels, so that nobody holds both the link and the code.

    The link goes by e-mail straight to the address registered on the citizen; the staff member
    who creates the invitation never sees it. The code is for the staff member to give the
    citizen in person or on the phone. The e-mail holds the link only (no name, no case details).
    Without a registered e-mail address nothing is issued.
    """
    citizen = case.citizen
    if not citizen.email:
        raise ValidationError(
            _("Borgeren har ingen e-mailadresse. Skriv den på borgeren, før du inviterer."), code="no_email"
        )
    issued = create_invitation(actor=actor, case=case, request=request)
    with translation.override(citizen_language(citizen)):
        body = render_to_string(
            "mit_forloeb/invitation_email.txt",
            {
                "link": invitation_link(issued.token, request),
                "hours": int(INVITATION_LIFETIME.total_seconds() // 3600),
            },
        )
        subject = _("Din invitation til Mit forløb")
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[citizen.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except Exception as error:  # SMTP down: the invitation must not stay usable half-delivered
        log.warning("Invitation e-mail could not be sent: %s", type(error).__name__)
        CitizenInvitation.objects.filter(pk=issued.invitation.pk).update(revoked_at=timezone.now())
        raise ValidationError(
            _("E-mailen med linket kunne ikke sendes. Prøv igen om lidt."), code="email_failed"
        ) from None
    audit.record(
        actor=actor,
        action=AuditEvent.Action.OTHER,
        obj=issued.invitation,
        case_id=case.pk,
        request=request,
        note="invitation link e-mailed",
    )
    return issued


def masked_email(address: str) -> str:
    """``a***@example.dk``: enough for staff to recognise the address the link went to."""
    name, _sep, domain = (address or "").partition("@")
    return f"{name[:1]}***@{domain}" if domain else ""


class InvitationProblem(Exception):
    """Why a link cannot be used: ``unknown``, ``expired``, ``used``, ``locked`` or ``revoked``."""

    def __init__(self, reason: str, invitation: CitizenInvitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def _problem(invitation: CitizenInvitation | None, now) -> str | None:
    if invitation is None:
        return "unknown"
    if invitation.used_at is not None:
        return "used"
    if invitation.locked_at is not None:
        return "locked"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return None


def find_invitation(token: str, *, now=None) -> CitizenInvitation:
    """The usable invitation behind a link, or ``InvitationProblem``."""
    invitation = CitizenInvitation.objects.filter(token_hash=hash_token(token)).first()
    reason = _problem(invitation, now or timezone.now())
    if reason:
        raise InvitationProblem(reason, invitation)
    return invitation


@dataclass(frozen=True)
class Redemption:
    citizen: Citizen | None = None
    attempts_left: int = 0
    problem: str | None = None  # as InvitationProblem.reason, or "wrong_code"
    invitation: CitizenInvitation | None = None


def redeem(*, token: str, code: str, request=None, now=None) -> Redemption:
    """Check the code; a right code uses the invitation up, a wrong one counts (and may lock)."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            CitizenInvitation.objects.select_for_update()
            .select_related("case__citizen")
            .filter(token_hash=hash_token(token))
            .first()
        )
        reason = _problem(invitation, now)
        if reason:
            return Redemption(problem=reason)
        if not check_password((code or "").strip(), invitation.code_hash):
            invitation.failed_attempts += 1
            if invitation.failed_attempts >= CitizenInvitation.MAX_ATTEMPTS:
                invitation.locked_at = now
            invitation.save(update_fields=["failed_attempts", "locked_at"])
            audit.record(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                obj=invitation,
                case_id=invitation.case_id,
                changes={"failed_attempts": [invitation.failed_attempts - 1, invitation.failed_attempts]},
                request=request,
                note="locked" if invitation.locked_at else "wrong code",
            )
            if invitation.locked_at:
                return Redemption(problem="locked")
            left = CitizenInvitation.MAX_ATTEMPTS - invitation.failed_attempts
            return Redemption(problem="wrong_code", attempts_left=left)
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        citizen = invitation.case.citizen
        audit.record(
            actor=None,
            action=AuditEvent.Action.LOGIN,
            obj=invitation,
            case_id=invitation.case_id,
            changes=citizen_sign_in_audit(CitizenSignIn.INVITATION, invitation),
            request=request,
            note="citizen",
        )
    return Redemption(citizen=citizen, invitation=invitation)


def request_new_link(*, token: str, request=None) -> bool:
    """The citizen asks the coordinator for a new link; told once per invitation."""
    invitation = CitizenInvitation.objects.filter(token_hash=hash_token(token)).select_related("case").first()
    if invitation is None:
        return False
    with transaction.atomic():
        already = CitizenMessage.objects.filter(
            case=invitation.case,
            kind=CitizenMessage.Kind.NEW_LINK,
            created_at__gte=invitation.created_at,
            read_at__isnull=True,
        ).exists()
        if not already:
            message = CitizenMessage.objects.create(case=invitation.case, kind=CitizenMessage.Kind.NEW_LINK)
            announce_citizen_message(message)
            record_case_event(
                actor=None,
                case=invitation.case,
                action=AuditEvent.Action.CREATE,
                obj=message,
                request=request,
                note="citizen",
                kind=TimelineEvent.Kind.CASE,
                summary=_("Borgeren beder om et nyt link til Mit forløb"),
            )
    return True


# --- The citizen session ---------------------------------------------------------------------------


def sign_in_citizen(request, citizen: Citizen, *, invitation: CitizenInvitation | None = None) -> None:
    """Start a fresh, short session that carries only the citizen's id (any staff login ends)
    and how the citizen signed in: the invitation used, or (without one) MitID."""
    request.session.flush()
    request.session[CITIZEN_SESSION_KEY] = str(citizen.pk)
    if invitation is not None:
        request.session[CITIZEN_VIA_KEY] = CitizenSignIn.INVITATION.value
        request.session[CITIZEN_INVITATION_KEY] = str(invitation.pk)
    else:
        request.session[CITIZEN_VIA_KEY] = CitizenSignIn.MITID.value
    request.session[CITIZEN_SEEN_KEY] = timezone.now().timestamp()
    # The cookie ends when the browser closes (a shared computer keeps nothing); the idle limit
    # is enforced by current_citizen() on every request.
    request.session.set_expiry(0)


def end_citizen_session(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a staff sign-in in a browser that holds a citizen's session ends the
    citizen's session (the two never share a session; ``sign_in_citizen`` ends a staff login)."""
    if request is None or not hasattr(request, "session"):
        return
    for key in (CITIZEN_SESSION_KEY, CITIZEN_SEEN_KEY, CITIZEN_VIA_KEY, CITIZEN_INVITATION_KEY):
        request.session.pop(key, None)


def sign_out_citizen(request) -> None:
    request.session.flush()


def current_citizen(request) -> Citizen | None:
    """The signed-in citizen, or None (a session idle for too long is ended)."""
    citizen_id = request.session.get(CITIZEN_SESSION_KEY)
    if not citizen_id:
        return None
    seen = request.session.get(CITIZEN_SEEN_KEY) or 0
    now = timezone.now().timestamp()
    if now - seen > CITIZEN_SESSION_SECONDS:
        request.session.flush()
        return None
    citizen = Citizen.objects.filter(pk=citizen_id).first()
    if citizen is None:
        request.session.flush()
        return None
    request.session[CITIZEN_SEEN_KEY] = now
    return citizen


@dataclass(frozen=True)
class SignIn:
    """How the signed-in citizen got in: ``via`` is a ``CitizenSignIn`` value ("" if unknown)."""

    via: str = ""
    invitation: CitizenInvitation | None = None

    def audit(self) -> dict:
        return citizen_sign_in_audit(self.via, self.invitation)

    def label(self) -> str:
        return citizen_sign_in_label(self.via, self.invitation)


def current_sign_in(request) -> SignIn:
    """How the current citizen session was started (kept in the session at sign-in)."""
    via = request.session.get(CITIZEN_VIA_KEY, "")
    invitation = None
    invitation_id = request.session.get(CITIZEN_INVITATION_KEY)
    if via == CitizenSignIn.INVITATION and invitation_id:
        invitation = CitizenInvitation.objects.select_related("created_by").filter(pk=invitation_id).first()
    return SignIn(via=via, invitation=invitation)
