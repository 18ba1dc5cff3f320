from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = _("Acheteurs et prévisions")

    def ready(self) -> None:
        from ellipse.core.stamps import stamps_watch

        from .models import BuyerOrganisation, CpvCode, PlannedContract
        from .selectors import CATALOGUE_STAMP

        # What the public catalogue shows: the lines, their buyers' names, the CPV labels.
        # Bulk writes (forecast import, publication, CPV load) bump it themselves.
        for model in (PlannedContract, BuyerOrganisation, CpvCode):
            stamps_watch(model, CATALOGUE_STAMP)
