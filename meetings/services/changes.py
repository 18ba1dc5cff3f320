"""Changes to published meetings, recorded so that the people concerned are told."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..enums import MeetingChangeKind, MeetingStatus
from ..models import Meeting, MeetingChange


def _time(slots, slot: int) -> str:
    return f"{slots[slot].start:%H:%M}" if 0 <= slot < len(slots) else str(slot + 1)


def _add_text(meeting: Meeting, slots) -> str:
    return _("Nouveau rendez-vous à %(time)s entre %(buyer)s et %(company)s.") % {
        "time": _time(slots, meeting.slot),
        "buyer": meeting.buyer,
        "company": meeting.company,
    }


def _record(*, meeting: Meeting, kind: str, by, old_slot=None, new_slot=None, text="", notify=True):
    """Record a change to a published meeting (nothing is recorded before publication)."""
    if meeting.status == MeetingStatus.DRAFT:
        return None
    return MeetingChange.objects.create(
        edition_id=meeting.edition_id,
        meeting=meeting,
        kind=kind,
        old_slot=old_slot,
        new_slot=new_slot,
        buyer_id=meeting.buyer_id,
        company_id=meeting.company_id,
        description=text,
        needs_notification=notify,
        created_by=by,
    )


def _cancel(*, meeting: Meeting, by, record: bool = True) -> None:
    was = meeting.status
    meeting.status, meeting.locked = MeetingStatus.CANCELLED, False
    meeting.save(update_fields=["status", "locked", "updated_at"])
    if record and was == MeetingStatus.PUBLISHED:
        MeetingChange.objects.create(
            edition_id=meeting.edition_id,
            meeting=meeting,
            kind=MeetingChangeKind.CANCEL,
            old_slot=meeting.slot,
            buyer_id=meeting.buyer_id,
            company_id=meeting.company_id,
            description=_("Le rendez-vous de %(time)s entre %(buyer)s et %(company)s est annulé.")
            % {
                "time": _time(meeting.edition.slots, meeting.slot),
                "buyer": meeting.buyer,
                "company": meeting.company,
            },
            created_by=by,
        )
