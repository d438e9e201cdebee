from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilbudConfig(AppConfig):
    name = "tilbud"
    verbose_name = _("Tilbudsoversigt")

    def ready(self):
        from samarbejde import dashboard, offers
        from tilbud import signals  # noqa: F401
        from tilbud.providers import framework_offers, offers_needing_verification

        offers.register(framework_offers)
        dashboard.register(offers_needing_verification)
