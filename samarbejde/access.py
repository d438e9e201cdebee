"""Who may edit which municipality's framework: what views, forms and admin ask.

A municipality's administrators are users in the administrator role with a membership in an
active municipal organisation of that municipality. They edit that municipality's organisations,
channels, forums and work tools, in the portal and in Django admin. Superusers edit everything.
Objects of other municipalities are "not found" for them (404), never "forbidden".

The rule is written once, as ``Municipality.objects.administered_by(user)`` in
``samarbejde/models.py``, because every municipality-scoped queryset (``editable_by``) filters
through it; this module is the one door the rest of the portal uses.
"""

from samarbejde.models import Municipality


def municipalities_administered_by(user):
    """The municipalities whose framework ``user`` may edit (a Municipality queryset)."""
    return Municipality.objects.administered_by(user)


def can_administer(user, municipality) -> bool:
    """True when ``user`` may edit ``municipality``'s framework."""
    if municipality is None:
        return bool(getattr(user, "is_superuser", False) and user.is_active)
    return municipalities_administered_by(user).filter(pk=municipality.pk).exists()


def administers_any(user) -> bool:
    return municipalities_administered_by(user).exists()
