"""Password sign-in, and the signed-in user loaded with their roles in one query.

Every page asks the user's roles (the visibility rule, the nav's "Det skal jeg" count); loading
the group names with the user on each request saves that second query on every page.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q


class RoleLoadingBackend(ModelBackend):
    """Django's model backend; ``get_user`` also fills ``core.roles.has_role``'s cache."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            role_names=ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=[])
        )
        try:
            user = users.get(pk=user_id)
        except (get_user_model().DoesNotExist, ValueError):
            return None
        user._role_cache = set(user.role_names)
        return user if self.user_can_authenticate(user) else None
