"""The four kinds of users and the groups that carry them.

A role is a Django group; the group names are stable identifiers used in code and data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "sagsbehandler", _("Sagsbehandler")
    COORDINATOR = "tovholder", _("Tovholder")
    VOLUNTEER = "frivillig", _("Frivillig")
    ADMINISTRATOR = "administrator", _("Administrator")


def has_role(user, role: Role) -> bool:
    """True when an active, logged-in user is in the role's group (cached per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role.value in cache
