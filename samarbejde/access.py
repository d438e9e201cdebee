"""Who may edit which municipality's framework. The one place this rule lives.

A municipality's administrators are users in the administrator role with a membership in an
active municipal organisation of that municipality. They edit that municipality's organisations,
channels, forums and work tools, in the portal and in Django admin. Superusers edit everything.
Objects of other municipalities are "not found" for them (404), never "forbidden".
"""

from django.db import models

from core.roles import Role, has_role


def municipalities_administered_by(user):
    """The municipalities whose framework ``user`` may edit (a Municipality queryset)."""
    from samarbejde.models import Municipality, Organisation

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    if not has_role(user, Role.ADMINISTRATOR):
        return Municipality.objects.none()
    return Municipality.objects.filter(
        organisations__memberships__user=user,
        organisations__kind=Organisation.Kind.MUNICIPAL,
        organisations__archived_at__isnull=True,
    ).distinct()


def can_administer(user, municipality) -> bool:
    """True when ``user`` may edit ``municipality``'s framework."""
    if municipality is None:
        return bool(getattr(user, "is_superuser", False) and user.is_active)
    return municipalities_administered_by(user).filter(pk=municipality.pk).exists()


def administers_any(user) -> bool:
    return municipalities_administered_by(user).exists()


class MunicipalityScopedQuerySet(models.QuerySet):
    """QuerySet of a model that belongs to one municipality (through ``municipality_lookup``)."""

    municipality_lookup = "municipality"

    def for_municipality(self, municipality):
        return self.filter(**{self.municipality_lookup: municipality})

    def editable_by(self, user):
        """Rows of the municipalities ``user`` administers (all rows for superusers)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        administered = municipalities_administered_by(user)
        return self.filter(**{f"{self.municipality_lookup}__in": administered.values("pk")})
