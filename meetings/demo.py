"""Demo data of meetings/: the demo edition's schedule, computed and published."""

from ellipse.editions.models import Edition

from .models import Meeting
from .services import edition_schedule, schedule_publish

DEMO_TIME_LIMIT = 10.0


def seed_meetings(*, edition: Edition) -> int:
    """Schedule and publish ``edition`` once; if it already has meetings, leave them as they are
    (running the demo again neither duplicates nor reshuffles them). Returns the meetings added."""
    if Meeting.objects.filter(edition=edition).exists():
        return 0
    report = edition_schedule(edition=edition, time_limit=DEMO_TIME_LIMIT)
    # The demo edition keeps its registrations open, so that every journey can be tried.
    schedule_publish(edition=edition, keep_status=True)
    return report.created


def demo_seed(*, edition: Edition, rng) -> None:
    """Part of ``seed_demo``: the demo edition's schedule, computed and published."""
    seed_meetings(edition=edition)
