"""Reads of meetings/: the staff grid, its waiting list and metrics, and the agendas.

Each function loads what it needs in a fixed number of queries, whatever the number of buyers,
companies and meetings."""

from __future__ import annotations

from dataclasses import dataclass

from buyers.models import BuyerOrganisation, BuyerParticipation
from companies.models import Company
from ellipse.core.bulk import collection_paused
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

from .enums import BuyerPreferenceKind, MeetingStatus
from .models import (
    BuyerPreference,
    Meeting,
    RelevanceScore,
    RelevanceState,
)
from .reasons import meetings_reason_lines
from .relevance import EditionRelevance, PairRelevance, relevance_fingerprint


def schedule_is_published(edition: Edition) -> bool:
    """The schedule is public once the edition says so or a meeting has been published."""
    return (
        edition.status == EditionStatus.SCHEDULE_PUBLISHED
        or Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED).exists()
    )


def slots_of(declared, slot_count: int) -> set[int]:
    """The slots a party declared available (all of them when none is valid)."""
    wanted = {s for s in (declared or []) if isinstance(s, int) and 0 <= s < slot_count}
    return wanted or set(range(slot_count))


def buyer_capacity(*, edition: Edition, participation: BuyerParticipation) -> int:
    return min(participation.max_meetings, edition.max_meetings_per_buyer, edition.slot_count)


def edition_relevance(
    *, edition: Edition, with_reasons: bool = False, request: bool = True
) -> EditionRelevance | None:
    """The stored relevance of every candidate pair of ``edition`` (never computed here).

    None when it was never computed; ``stale`` when its inputs changed since. In both cases a
    refresh task is queued (once per change of inputs) unless ``request`` is false. Reasons are
    read only ``with_reasons`` (the grid needs the scores)."""
    state = RelevanceState.objects.filter(edition=edition).first()
    fingerprint = relevance_fingerprint(edition=edition)
    missing = state is None or state.computed_at is None
    stale = not missing and state.fingerprint != fingerprint
    if request and (missing or stale):
        from .services.relevance import edition_relevance_request  # a write: queue the task

        edition_relevance_request(edition=edition, fingerprint=fingerprint)
    if missing:
        return None
    fields = ["buyer_id", "company_id", "score", "must_meet"]
    if with_reasons:
        fields.append("reasons")
    pairs = {}
    with collection_paused():  # tens of thousands of small objects, no cycle
        for row in RelevanceScore.objects.filter(edition=edition).values_list(*fields):
            buyer_id, company_id, score, must_meet = row[:4]
            pairs[buyer_id, company_id] = PairRelevance(
                buyer_id=buyer_id,
                company_id=company_id,
                score=score,
                must_meet=must_meet,
                reasons=row[4] if with_reasons else [],
            )
    excluded = set(
        BuyerPreference.objects.filter(
            edition=edition, kind=BuyerPreferenceKind.WONT_MEET
        ).values_list("buyer_id", "company_id")
    )
    return EditionRelevance(pairs=pairs, excluded=excluded, stale=stale)


@dataclass
class AgendaEntry:
    meeting: Meeting
    slot: object
    table: str
    contracts: list[dict]
    other_reasons: list[str]


def _entries(edition: Edition, meetings: list[Meeting], *, audience: str) -> list[AgendaEntry]:
    slots = edition.slots
    tables = dict(
        BuyerParticipation.objects.filter(
            edition=edition, organisation_id__in={m.buyer_id for m in meetings}
        ).values_list("organisation_id", "table")
    )
    lines_by_meeting = meetings_reason_lines(meetings, audience=audience)
    entries = []
    for meeting in meetings:
        contracts: dict[int, dict] = {}
        others = []
        for line in lines_by_meeting[meeting.pk]:
            if line.contract is not None:
                row = line.contract
                item = contracts.setdefault(
                    row.id,
                    {
                        "reference": row.reference,
                        "title": row.title,
                        "amount": row.amount,
                        "quarter": row.quarter,
                        "texts": [],
                    },
                )
                item["texts"].append(line.text)
            else:
                others.append(line.text)
        entries.append(
            AgendaEntry(
                meeting=meeting,
                slot=slots[meeting.slot] if meeting.slot < len(slots) else None,
                table=tables.get(meeting.buyer_id, ""),
                contracts=list(contracts.values()),
                other_reasons=others,
            )
        )
    return entries


def agenda_for_company(*, edition: Edition, company: Company) -> list[AgendaEntry]:
    """The company's published meetings of ``edition``, in time order."""
    meetings = list(
        Meeting.objects.filter(edition=edition, company=company, status=MeetingStatus.PUBLISHED)
        .select_related("buyer", "company")
        .order_by("slot")
    )
    return _entries(edition, meetings, audience="company")


def agenda_for_buyer(*, edition: Edition, buyer: BuyerOrganisation) -> list[AgendaEntry]:
    """The buyer's published meetings of ``edition``, with each company's profile."""
    meetings = list(
        Meeting.objects.filter(edition=edition, buyer=buyer, status=MeetingStatus.PUBLISHED)
        .select_related("buyer", "company")
        .order_by("slot")
    )
    return _entries(edition, meetings, audience="buyer")


def editions_with_published_schedule():
    """Editions whose schedule is public: the same rule as ``services.schedule_is_published``
    (the edition says so, or some of its meetings are published)."""
    from django.db.models import Q

    from ellipse.editions.enums import EditionStatus

    from .enums import MeetingStatus

    return Edition.objects.filter(
        Q(status=EditionStatus.SCHEDULE_PUBLISHED)
        | Q(pk__in=Meeting.objects.filter(status=MeetingStatus.PUBLISHED).values("edition_id"))
    )
