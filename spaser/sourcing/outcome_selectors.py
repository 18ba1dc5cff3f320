"""Reads of the meetings' outcomes: a party's meetings, the staff's overview, the figures."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from ellipse.editions.models import Edition
from meetings.enums import MeetingStatus
from meetings.models import Meeting

from . import glue
from .enums import Side
from .models import MeetingOutcome
from .outcome_links import OutcomeLink
from .outcome_rules import sides_disagree


def outcome_deadline(edition: Edition) -> dt.date:
    """The last day answers can be given or changed."""
    return edition.date + dt.timedelta(days=settings.SOURCING_OUTCOME_EDIT_DAYS)


def edition_meetings(*, edition: Edition) -> QuerySet[Meeting]:
    """The meetings that were announced (published) for an edition."""
    return Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED)


def party_meetings(*, link: OutcomeLink) -> QuerySet[Meeting]:
    """The meetings a signed link may answer for: that party's, of that edition, and no other."""
    qs = Meeting.objects.filter(edition_id=link.edition_id, status=MeetingStatus.PUBLISHED)
    party = (
        {"company_id": link.party_id} if link.side == Side.COMPANY else {"buyer_id": link.party_id}
    )
    return (
        qs.filter(**party)
        .select_related("buyer", "company", "edition")
        .prefetch_related(Prefetch("outcomes", queryset=MeetingOutcome.objects.all()))
        .order_by("slot")
    )


@dataclass
class OutcomeRow:
    meeting: Meeting
    company: MeetingOutcome | None
    buyer: MeetingOutcome | None
    contracts: list | None = None  # contracts notified since, by that buyer to that company
    disagree: bool = False


@dataclass
class OutcomeOverview:
    rows: list[OutcomeRow]
    meetings: int
    answered_company: int
    answered_buyer: int
    disagreements: int
    by_status: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        """Share of the answers expected (two per meeting) that were given, in %."""
        if not self.meetings:
            return None
        return round(100 * (self.answered_company + self.answered_buyer) / (2 * self.meetings), 1)


def outcome_overview(
    *,
    edition: Edition,
    buyer_id: int | None = None,
    company_id: int | None = None,
    disagreements_only: bool = False,
) -> OutcomeOverview:
    """Every published meeting of the edition with both sides' answers (three queries)."""
    qs = edition_meetings(edition=edition).select_related("buyer", "company")
    if buyer_id:
        qs = qs.filter(buyer_id=buyer_id)
    if company_id:
        qs = qs.filter(company_id=company_id)
    qs = qs.prefetch_related("outcomes").order_by("buyer__name", "slot")
    rows = []
    for meeting in qs:
        by_side = {o.side: o for o in meeting.outcomes.all()}
        company, buyer = by_side.get(Side.COMPANY), by_side.get(Side.BUYER)
        disagree = sides_disagree(
            company.status if company else None, buyer.status if buyer else None
        )
        rows.append(OutcomeRow(meeting, company, buyer, disagree=disagree))
    pairs = [
        (r.meeting.buyer.siret, r.meeting.company.siret) for r in rows if r.meeting.buyer.siret
    ]
    contracts = glue.contracts_between(pairs=pairs, since=edition.date) if pairs else {}
    for row in rows:
        row.contracts = contracts.get((row.meeting.buyer.siret, row.meeting.company.siret), [])
    by_status: dict[str, dict[str, int]] = {Side.COMPANY: {}, Side.BUYER: {}}
    for row in rows:
        for side, outcome in ((Side.COMPANY, row.company), (Side.BUYER, row.buyer)):
            if outcome:
                by_status[side][outcome.status] = by_status[side].get(outcome.status, 0) + 1
    overview = OutcomeOverview(
        rows=[r for r in rows if r.disagree] if disagreements_only else rows,
        meetings=len(rows),
        answered_company=sum(1 for r in rows if r.company),
        answered_buyer=sum(1 for r in rows if r.buyer),
        disagreements=sum(1 for r in rows if r.disagree),
        by_status=by_status,
    )
    return overview
