"""Reads for the participants' spaces."""

from django.urls import reverse

from ellipse.editions.models import Edition
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.perms import agenda_owner_key

from .services import invitation_last_sent


def space_invitation_status(*, user) -> dict | None:
    """The latest published edition where the user's organisation has meetings: when its
    invitation was sent and where to download the agenda. None when there is nothing to show."""
    owner = agenda_owner_key(user)
    if owner is None:
        return None
    kind, owner_id = owner
    filters = {"company_id": owner_id} if kind == "company" else {"buyer_id": owner_id}
    edition = (
        Edition.objects.filter(
            meetings__status=MeetingStatus.PUBLISHED,
            **{f"meetings__{k}": v for k, v in filters.items()},
        )
        .order_by("-year")
        .first()
    )
    if edition is None:
        return None
    return {
        "edition": edition,
        "meetings": Meeting.objects.filter(
            edition=edition, status=MeetingStatus.PUBLISHED, **filters
        ).count(),
        "sent_at": invitation_last_sent(edition=edition, owner_kind=kind, owner_id=owner_id),
        "pdf_url": reverse("invitations:agenda_pdf", args=[edition.year]),
        "ics_url": reverse("invitations:agenda_ics", args=[edition.year]),
    }
