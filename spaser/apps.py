from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpaserConfig(AppConfig):
    name = "spaser"
    verbose_name = _("SPASER")
