from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Entreprises")

    def ready(self):
        from ellipse.core.stamps import stamps_watch

        from .models import Company
        from .selectors import CPV_DIVISIONS_STAMP

        stamps_watch(Company, CPV_DIVISIONS_STAMP, through=[Company.cpv_codes.through])
