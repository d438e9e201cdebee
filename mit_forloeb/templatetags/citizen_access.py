"""``{% citizen_access_panel case %}`` on the case page: when the citizen last looked at Mit
forløb, the invitation, and what the citizen has written or done there."""

from django import template

from borgerforloeb.models import CitizenInvitation
from core.models import AuditEvent
from mit_forloeb import invitations

register = template.Library()


@register.inclusion_tag("mit_forloeb/_case_panel.html", takes_context=True)
def citizen_access_panel(context, case, panel=None):
    """``panel`` (last_seen, invitation, unread) when the page has read them already."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if panel is None:
        panel = {
            "last_seen": AuditEvent.objects.filter(
                case_id=case.pk, action=AuditEvent.Action.VIEW, note=invitations.CITIZEN_VIEW_NOTE
            )
            .values_list("at", flat=True)
            .first(),
            "invitation": CitizenInvitation.objects.filter(case=case).first(),
            "unread": list(case.citizen_messages.filter(read_at__isnull=True)[:20]),
        }
    return {
        "case": case,
        **panel,
        "can_invite": bool(user and user.is_authenticated and invitations.can_invite(user, case)),
        "csrf_token": context.get("csrf_token"),
    }
