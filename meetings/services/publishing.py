"""Publishing an edition's schedule."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

from ..enums import MeetingChangeKind, MeetingStatus
from ..models import Meeting, MeetingChange
from ..selectors import schedule_is_published
from ..stamps import grid_bump
from .changes import _add_text


@transaction.atomic
def schedule_publish(*, edition: Edition, by=None, keep_status: bool = False) -> int:
    """Publish every draft meeting of ``edition``; the edition's status becomes "schedule
    published" (unless ``keep_status``: the demo keeps its registrations open).

    Meetings published after a first publication (a re-run that filled freed slots, …) are
    recorded as changes so that the people concerned are told. Returns the number published."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    already = schedule_is_published(edition)
    drafts = list(
        Meeting.objects.select_for_update()
        .filter(edition=edition, status=MeetingStatus.DRAFT)
        .select_related("buyer", "company")
    )
    if not drafts and not already and not edition.meetings.exists():
        raise ValidationError(_("Il n'y a aucun rendez-vous à publier."))
    Meeting.objects.filter(pk__in=[m.pk for m in drafts]).update(
        status=MeetingStatus.PUBLISHED, updated_at=timezone.now()
    )
    grid_bump(edition_id=edition.pk)
    if already:
        slots = edition.slots
        MeetingChange.objects.bulk_create(
            MeetingChange(
                edition=edition,
                meeting=m,
                kind=MeetingChangeKind.ADD,
                new_slot=m.slot,
                buyer_id=m.buyer_id,
                company_id=m.company_id,
                description=_add_text(m, slots),
                created_by=by,
            )
            for m in drafts
        )
    if not keep_status and edition.status != EditionStatus.SCHEDULE_PUBLISHED:
        edition.status = EditionStatus.SCHEDULE_PUBLISHED
        edition.save(update_fields=["status", "updated_at"])
    return len(drafts)
