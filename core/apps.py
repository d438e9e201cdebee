from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Fælles")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import observability, translation_review, two_factor
        from core.groups import ensure_groups
        from core.middleware import SlidingSessionMiddleware

        post_migrate.connect(ensure_groups, dispatch_uid="core.ensure_groups")
        user_logged_in.connect(SlidingSessionMiddleware.on_login, dispatch_uid="core.session_refresh")
        user_logged_in.connect(two_factor.on_login, dispatch_uid="core.two_factor")
        observability.register_collector()
        translation_review.connect()
