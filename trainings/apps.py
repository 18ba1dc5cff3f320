from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Formations")

    def ready(self) -> None:
        from companies.models import Company, Topic
        from ellipse.core.stamps import stamps_watch
        from ellipse.editions.models import Edition

        from .models import Pairing, Participant, Session
        from .selectors import CATALOGUE_STAMP, PAIRINGS_STAMP

        # The public catalogue: sessions, their seats and waiting lists, topics, editions.
        for model in (Session, Participant, Topic, Edition):
            stamps_watch(model, CATALOGUE_STAMP)
        # A company's co-contracting pairings in its space (bulk writes bump in their services).
        for model in (Pairing, Company, Edition):
            stamps_watch(model, PAIRINGS_STAMP)

        from ellipse.core.spaces import register_space_block

        from .selectors import space_block_version

        register_space_block(space_block_version)  # {% trainings_of_user %} in the spaces
