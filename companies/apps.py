from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Entreprises")

    def ready(self) -> None:
        from ellipse.core.stamps import stamps_watch

        from .models import Topic
        from .selectors import TOPICS_STAMP
        from .stamps import space_watch

        stamps_watch(Topic, TOPICS_STAMP)  # the registration form's training topics
        space_watch()  # the company's space
