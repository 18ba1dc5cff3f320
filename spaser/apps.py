from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpaserConfig(AppConfig):
    name = "spaser"
    verbose_name = _("SPASER")

    def ready(self) -> None:
        """The dashboard's stamps (``spaser.selectors.FIGURES_NAMESPACES``) move on with the
        saves and deletes of what feeds the figures; the contracts register is written in bulk
        (COPY) and bumped by its import service instead (no signal there, and none wanted: a
        delete watched by a signal is no longer a fast delete)."""
        from buyers.models import BuyerOrganisation, BuyerParticipation, PlannedContract
        from companies.models import Company, Registration
        from ellipse.core.stamps import stamps_watch
        from ellipse.editions.models import Edition

        from .models import ManualEntry
        from .selectors import STAMP_CONVENTION, STAMP_MANUAL

        stamps_watch(ManualEntry, STAMP_MANUAL)
        for model in (
            Registration,
            Company,
            PlannedContract,
            BuyerOrganisation,
            BuyerParticipation,
            Edition,
        ):
            stamps_watch(model, STAMP_CONVENTION)
