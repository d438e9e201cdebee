"""Citizen sign-in to Mit forløb: invitations from the coordinator and the short citizen session.

A citizen is not a staff ``User``. The coordinator creates an invitation on the case page: a
one-time link (a random token; only its SHA-256 is stored) that expires after
``INVITATION_LIFETIME`` and a 6-digit code given in person (stored as a password hash). Wrong
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
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borgerforloeb.models import Case, Citizen, CitizenInvitation, CitizenMessage, TimelineEvent
from borgerforloeb.services import add_timeline
from core import audit
from core.models import AuditEvent

INVITATION_LIFETIME = timedelta(hours=72)
CITIZEN_SESSION_KEY = "citizen_id"
CITIZEN_SEEN_KEY = "citizen_seen_at"
CITIZEN_SESSION_SECONDS = getattr(settings, "CITIZEN_SESSION_SECONDS", 30 * 60)
CITIZEN_VIEW_NOTE = "citizen_view"  # AuditEvent.note of the citizen's own reads


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_invite(user, case: Case) -> bool:
    """The case's active coordinator or a caseworker who can see the case may invite."""
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        return False
    if user.is_superuser or user.is_caseworker:
        return True
    return case.coordinator_assignments.filter(person=user, ended_at__isnull=True).exists()


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
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=invitation,
            case_id=case.pk,
            changes={"expires_at": [None, invitation.expires_at.isoformat()]},
            request=request,
        )
        add_timeline(
            case=case,
            kind=TimelineEvent.Kind.CASE,
            actor=actor,
            summary=_("Borgeren er inviteret til Mit forløb"),
            obj=invitation,
        )
    return IssuedInvitation(invitation=invitation, token=token, code=code)


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
            request=request,
            note="citizen",
        )
    return Redemption(citizen=citizen)


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
            audit.record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                obj=message,
                case_id=invitation.case_id,
                request=request,
                note="citizen",
            )
            add_timeline(
                case=invitation.case,
                kind=TimelineEvent.Kind.CASE,
                actor=None,
                summary=_("Borgeren beder om et nyt link til Mit forløb"),
                obj=message,
            )
    return True


# --- The citizen session ---------------------------------------------------------------------------


def sign_in_citizen(request, citizen: Citizen) -> None:
    """Start a fresh, short session that carries only the citizen's id (any staff login ends)."""
    request.session.flush()
    request.session[CITIZEN_SESSION_KEY] = str(citizen.pk)
    request.session[CITIZEN_SEEN_KEY] = timezone.now().timestamp()
    # The cookie ends when the browser closes (a shared computer keeps nothing); the idle limit
    # is enforced by current_citizen() on every request.
    request.session.set_expiry(0)


def end_citizen_session(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a staff sign-in in a browser that holds a citizen's session ends the
    citizen's session (the two never share a session; ``sign_in_citizen`` ends a staff login)."""
    if request is None or not hasattr(request, "session"):
        return
    for key in (CITIZEN_SESSION_KEY, CITIZEN_SEEN_KEY):
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
