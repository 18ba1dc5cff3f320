from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Rendez-vous")

    def ready(self) -> None:
        from django.db.models import Exists, OuterRef

        from ellipse.editions.phase import register_schedule_published

        from .enums import MeetingStatus
        from .models import Meeting
        from .stamps import ANY

        def published_meetings():
            return Exists(
                Meeting.objects.filter(edition=OuterRef("pk"), status=MeetingStatus.PUBLISHED)
            )

        register_schedule_published(published_meetings, stamps=(ANY,))

        from .stamps import grid_watch

        grid_watch()
