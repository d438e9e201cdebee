"""Template helpers for the access pages: {% can_export_citizen citizen as can_export %}."""

from django import template

from borgerforloeb.permissions import can_export_citizen as allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def can_export_citizen(context, citizen) -> bool:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return bool(user is not None and user.is_authenticated and allowed(user, citizen))
