from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MitForloebConfig(AppConfig):
    name = "mit_forloeb"
    verbose_name = _("Mit forløb")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from mit_forloeb.invitations import end_citizen_session

        user_logged_in.connect(end_citizen_session, dispatch_uid="mit_forloeb.end_citizen_session")
