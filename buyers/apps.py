from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = _("Acheteurs et prévisions")

    def ready(self) -> None:
        from ellipse.core.stamps import stamps_watch

        from .models import (
            BuyerOrganisation,
            BuyerParticipation,
            PlannedContract,
            PlannedContractLot,
        )
        from .selectors import CATALOGUE_STAMP

        # What companies may read and wish: the lines, their codes and lots, the buyers and who
        # takes part. Bulk writes (forecast import, publication) bump in their services.
        stamps_watch(PlannedContract, CATALOGUE_STAMP, through=[PlannedContract.cpv_extra.through])
        for model in (PlannedContractLot, BuyerOrganisation, BuyerParticipation):
            stamps_watch(model, CATALOGUE_STAMP)
