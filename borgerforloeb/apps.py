from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorgerforloebConfig(AppConfig):
    name = "borgerforloeb"
    verbose_name = _("Borgerforløb")
