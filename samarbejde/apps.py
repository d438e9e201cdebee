from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamarbejdeConfig(AppConfig):
    name = "samarbejde"
    verbose_name = _("Den overordnede ramme")
