from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Entreprises")

    def ready(self):
        from ellipse.core.stamps import stamps_watch
        from ellipse.editions.models import Edition

        from .models import Company, Registration, Wish
        from .selectors import CPV_DIVISIONS_STAMP, REGISTRATIONS_STAMP

        codes = [Company.cpv_codes.through]
        stamps_watch(Company, CPV_DIVISIONS_STAMP, REGISTRATIONS_STAMP, through=codes)
        stamps_watch(Registration, REGISTRATIONS_STAMP)
        stamps_watch(Wish, REGISTRATIONS_STAMP)
        stamps_watch(Edition, REGISTRATIONS_STAMP)  # in each row's label (selection checkbox)
