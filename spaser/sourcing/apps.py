from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcingConfig(AppConfig):
    name = "spaser.sourcing"
    label = "sourcing"
    verbose_name = _("Sourçage des acheteurs")

    def ready(self) -> None:
        """The directory's stamp (``selectors.STAMP_DIRECTORY``) moves on with every save or
        delete of what a result shows: companies (consent first), their CPV codes, their
        retained registrations and the editions' years. The CPV labels are refreshed in bulk
        (no signal): ``selectors.RESULTS_SECONDS`` bounds how long an old label may show."""
        from companies.models import Company, Registration
        from ellipse.core.stamps import stamps_watch
        from ellipse.editions.models import Edition

        from .selectors import STAMP_DIRECTORY

        stamps_watch(Company, STAMP_DIRECTORY, through=[Company.cpv_codes.through])
        for model in (Registration, Edition):
            stamps_watch(model, STAMP_DIRECTORY)
