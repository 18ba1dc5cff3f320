from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "ellipse.editions"
    label = "editions"
    verbose_name = _("Éditions de la convention")

    def ready(self) -> None:
        from ellipse.core.stamps import stamps_watch

        from .current import EDITIONS_STAMP
        from .models import Edition

        stamps_watch(Edition, EDITIONS_STAMP)
