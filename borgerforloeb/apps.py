from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorgerforloebConfig(AppConfig):
    name = "borgerforloeb"
    verbose_name = _("Borgerforløb")

    def ready(self):
        # Connects the coordinator_changed receiver that enqueues assignment/handover notices.
        from borgerforloeb import tasks  # noqa: F401
        from borgerforloeb.dashboard import case_figures
        from samarbejde import dashboard

        dashboard.register(case_figures)
