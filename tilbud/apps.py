from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbudsoversigt")

    def ready(self):
        from tilbud import signals  # noqa: F401
