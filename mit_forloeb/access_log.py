"""What the citizen is told about one row of the audit trail ("Hvem har set mit forløb"): what
the person did and what they looked at, in plain words. The rows and the person's role come from
``borgerforloeb.selectors.citizen_access_page``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent

A = AuditEvent.Action

DID = {
    A.VIEW: _("Så"),
    A.SHOW_CPR: _("Så"),
    A.EXPORT: _("Hentede"),
    A.CREATE: _("Tilføjede"),
    A.UPDATE: _("Ændrede"),
    A.DELETE: _("Slettede"),
    A.LOGIN: _("Så"),
    A.OTHER: _("Ændrede"),
}

# What was read or changed, by the page (the audit note) and else by the kind of object.
BY_NOTE = {
    "case_detail": _("siden om dit forløb"),
    "timeline": _("tidslinjen i dit forløb"),
    "case_timeline": _("tidslinjen i dit forløb"),
    "case_access_log": _("listen over, hvem der har set dit forløb"),
    "case_participants": _("hvem der deltager i dit forløb"),
    "case_consents": _("dine samtykker"),
    "consent_create": _("dine samtykker"),
    "citizen_detail": _("dine personlige oplysninger"),
    "citizen_edit": _("dine personlige oplysninger"),
    "invite": _("din invitation til Mit forløb"),
    "html": _("alle dine oplysninger (indsigt)"),
    "json": _("alle dine oplysninger (indsigt)"),
    "plan_print": _("din plan (udskrift)"),
    "plan_print_citizen": _("din plan (udskrift)"),
    "referral": _("en henvisning til et tilbud"),
    "meeting_ics": _("et møde (kalender)"),
    "attention_edit": _("opmærksomhedspunkter i dit forløb"),
}
BY_OBJECT = {
    "borgerforloeb.case": _("dit forløb"),
    "borgerforloeb.citizen": _("dine personlige oplysninger"),
    "borgerforloeb.consent": _("et samtykke"),
    "borgerforloeb.plan": _("din plan"),
    "borgerforloeb.planversion": _("din plan"),
    "borgerforloeb.goal": _("din plan"),
    "borgerforloeb.planacceptance": _("din plan"),
    "borgerforloeb.meeting": _("et møde"),
    "borgerforloeb.effort": _("den hjælp, du får"),
    "borgerforloeb.task": _("en opgave i dit forløb"),
    "borgerforloeb.decision": _("en beslutning"),
    "borgerforloeb.attentionpoint": _("opmærksomhedspunkter i dit forløb"),
    "borgerforloeb.participant": _("hvem der deltager i dit forløb"),
    "borgerforloeb.coordinatorassignment": _("hvem der er din tovholder"),
    "borgerforloeb.citizeninvitation": _("din invitation til Mit forløb"),
    "borgerforloeb.citizenmessage": _("en besked fra dig"),
}
CPR = _("dit CPR-nummer")
ADMIN = _("dit forløb i administrationen")
OTHER = _("dit forløb")


def what(event) -> str:
    """The thing ``event`` read or changed, as the citizen understands it."""
    if event.action == A.SHOW_CPR:
        return str(CPR)
    note = event.note or ""
    if note.startswith("admin:"):
        return str(ADMIN)
    if note in BY_NOTE:
        return str(BY_NOTE[note])
    for prefix, label in (
        ("plan", _("din plan")),
        ("meeting", _("jeres møder")),
        ("effort", _("den hjælp, du får")),
        ("decision", _("beslutninger i dit forløb")),
        ("task", _("opgaver i dit forløb")),
    ):
        if note.startswith(prefix):
            return str(label)
    return str(BY_OBJECT.get(event.object_type, OTHER))


def label(event) -> None:
    """Set ``did`` and ``what`` on ``event`` for the template."""
    event.did = str(DID.get(event.action, DID[A.OTHER]))
    event.what = what(event)
