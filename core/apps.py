from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Fælles")

    def ready(self):
        from core.groups import ensure_groups

        post_migrate.connect(ensure_groups, dispatch_uid="core.ensure_groups")
