"""Who sees which reports.

- A national analyst (permission ``rapporter.view_national``, the group ``national_analytiker``)
  and superusers: every municipality side by side and the national trend.
- Caseworkers and administrators: the municipalities of their active municipal organisations.
- Everyone else: no report (404).

Reports hold aggregates only, so seeing a report never means seeing a case: an analyst has no
case access (``Case.objects.visible_to`` gives them none).
"""

from django.contrib.auth.models import Group, Permission

from core.roles import Role, has_role
from samarbejde.models import Municipality, Organisation

ANALYST_GROUP = "national_analytiker"
NATIONAL_PERMISSION = "rapporter.view_national"


def sees_national(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(NATIONAL_PERMISSION)


def report_municipalities(user):
    """The municipalities whose report ``user`` may see."""
    if sees_national(user):
        return Municipality.objects.all()
    if not (has_role(user, Role.CASEWORKER) or has_role(user, Role.ADMINISTRATOR)):
        return Municipality.objects.none()
    return Municipality.objects.filter(
        pk__in=Organisation.objects.filter(
            memberships__user=user, kind=Organisation.Kind.MUNICIPAL, archived_at__isnull=True
        ).values("municipality_id")
    )


def analyst_group() -> Group:
    """The national analysts' group with its permission (made by a migration; this makes it again
    where a test database was flushed since)."""
    group, _ = Group.objects.get_or_create(name=ANALYST_GROUP)
    app_label, codename = NATIONAL_PERMISSION.split(".")
    group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group
