"""Reads of meetings/: the staff grid, its waiting list and metrics, and the agendas.

Each function loads what it needs in a fixed number of queries, whatever the number of buyers,
companies and meetings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from buyers.models import BuyerOrganisation, BuyerParticipation
from companies.enums import RegistrationStatus
from companies.models import Company, Registration
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

from .enums import BuyerPreferenceKind, MeetingStatus, ScheduleRunStatus
from .models import (
    BuyerPreference,
    Meeting,
    MeetingChange,
    RelevanceScore,
    RelevanceState,
    ScheduleRun,
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


@dataclass
class GridRow:
    participation: BuyerParticipation
    capacity: int
    available: set[int]
    cells: list[Meeting | None]

    @property
    def buyer(self) -> BuyerOrganisation:
        return self.participation.organisation

    @property
    def meetings(self) -> list[Meeting]:
        return [m for m in self.cells if m is not None]


@dataclass
class WaitingEntry:
    registration: Registration
    buyer: BuyerOrganisation | None = None
    slot: int | None = None
    slot_label: str = ""
    score: float = 0.0

    @property
    def company(self) -> Company:
        return self.registration.company


@dataclass
class Metrics:
    buyer_slots: int = 0
    meetings: int = 0
    retained: int = 0
    covered: int = 0
    mean_score: float = 0.0
    ess: int = 0
    small: int = 0
    local: int = 0
    buyer_gaps: int = 0
    company_gaps: int = 0
    objective: float = 0.0
    run_objective: float | None = None
    run_bound: float | None = None
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _share(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0

    @property
    def filled_share(self) -> float:
        return self._share(self.meetings, self.buyer_slots)

    @property
    def covered_share(self) -> float:
        return self._share(self.covered, self.retained)

    @property
    def ess_share(self) -> float:
        return self._share(self.ess, self.meetings)

    @property
    def small_share(self) -> float:
        return self._share(self.small, self.meetings)

    @property
    def local_share(self) -> float:
        return self._share(self.local, self.meetings)

    @property
    def bound_share(self) -> float | None:
        if self.run_bound:
            return 100.0 * self.objective / self.run_bound
        return None


@dataclass
class Planning:
    edition: Edition
    slots: list
    rows: list[GridRow]
    meetings: list[Meeting]
    waiting: list[WaitingEntry]
    metrics: Metrics
    last_run: ScheduleRun | None
    running: bool
    drafts: int
    changes: list[MeetingChange]
    retained: list[Registration]
    #: No stored relevance yet: its computation is queued, the page says "calcul en cours".
    relevance_pending: bool = False
    #: Stored relevance older than its inputs: shown, and a refresh is queued.
    relevance_stale: bool = False


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


def _gaps(slots_by_party: dict[int, list[int]]) -> int:
    return sum(max(s) - min(s) + 1 - len(s) for s in slots_by_party.values() if s)


def planning(*, edition: Edition, relevance: EditionRelevance | None = None) -> Planning:
    """Everything the staff planning page shows for ``edition``."""
    slots = edition.slots
    n = edition.slot_count
    participations = list(
        BuyerParticipation.objects.filter(edition=edition)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    meetings = list(
        Meeting.objects.filter(edition=edition)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("buyer", "company")
        .order_by("buyer__name", "slot")
    )
    retained = list(
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
        .select_related("company")
        .order_by("company__legal_name")
    )
    by_buyer: dict[int, list[Meeting]] = defaultdict(list)
    by_company: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_buyer[meeting.buyer_id].append(meeting)
        by_company[meeting.company_id].append(meeting)
    rows = []
    for participation in participations:
        cells: list[Meeting | None] = [None] * n
        for meeting in by_buyer.get(participation.organisation_id, []):
            if 0 <= meeting.slot < n:
                cells[meeting.slot] = meeting
        rows.append(
            GridRow(
                participation=participation,
                capacity=buyer_capacity(edition=edition, participation=participation),
                available=slots_of(participation.available_slots, n),
                cells=cells,
            )
        )
    for meeting, lines in zip(
        meetings, meetings_reason_lines(meetings, audience="staff").values(), strict=True
    ):
        meeting.reason_lines = lines
    if relevance is None:
        relevance = edition_relevance(edition=edition)
    pending = relevance is None
    relevance = relevance or EditionRelevance(pairs={}, excluded=set())
    waiting = _waiting(
        edition=edition, rows=rows, retained=retained, by_company=by_company, relevance=relevance
    )
    runs = list(ScheduleRun.objects.filter(edition=edition).order_by("-created_at")[:1])
    last_run = runs[0] if runs else None
    done = (
        ScheduleRun.objects.filter(edition=edition, status=ScheduleRunStatus.DONE)
        .order_by("-finished_at")
        .first()
    )
    metrics = _metrics(
        edition=edition,
        rows=rows,
        meetings=meetings,
        retained=retained,
        by_buyer=by_buyer,
        by_company=by_company,
        run=done,
    )
    changes = list(
        MeetingChange.objects.filter(edition=edition)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:20]
    )
    return Planning(
        edition=edition,
        slots=slots,
        rows=rows,
        meetings=meetings,
        waiting=waiting,
        metrics=metrics,
        last_run=last_run,
        running=last_run is not None
        and last_run.status in (ScheduleRunStatus.PENDING, ScheduleRunStatus.RUNNING),
        drafts=sum(1 for m in meetings if m.status == MeetingStatus.DRAFT),
        changes=changes,
        retained=retained,
        relevance_pending=pending,
        relevance_stale=relevance.stale,
    )


def _waiting(*, edition, rows, retained, by_company, relevance) -> list[WaitingEntry]:
    """Retained companies without a meeting, each with its best free slot (or none)."""
    n = edition.slot_count
    candidates: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (buyer_id, company_id), rel in relevance.pairs.items():
        candidates[company_id].append((rel.score, buyer_id))
    rows_by_buyer = {row.buyer.pk: row for row in rows}
    entries = []
    for registration in retained:
        if by_company.get(registration.company_id):
            continue
        entry = WaitingEntry(registration=registration)
        available = slots_of(registration.available_slots, n)
        for score, buyer_id in sorted(candidates.get(registration.company_id, []), reverse=True):
            row = rows_by_buyer.get(buyer_id)
            if row is None or len(row.meetings) >= row.capacity:
                continue
            free = [s for s in sorted(row.available & available) if row.cells[s] is None]
            if free:
                entry.buyer, entry.slot, entry.score = row.buyer, free[0], score
                entry.slot_label = edition.slots[free[0]].label
                break
        entries.append(entry)
    entries.sort(key=lambda e: (e.buyer is None, -e.score, str(e.company)))
    return entries


def _metrics(*, edition, rows, meetings, retained, by_buyer, by_company, run) -> Metrics:
    retained_ids = {r.company_id for r in retained}
    metrics = Metrics(
        buyer_slots=sum(row.capacity for row in rows),
        meetings=len(meetings),
        retained=len(retained),
        covered=len(retained_ids & set(by_company)),
    )
    if meetings:
        metrics.mean_score = sum(m.score for m in meetings) / len(meetings)
        metrics.ess = sum(1 for m in meetings if m.company.is_ess)
        metrics.small = sum(1 for m in meetings if m.company.is_small)
        metrics.local = sum(1 for m in meetings if m.company.is_local)
    metrics.buyer_gaps = _gaps({k: [m.slot for m in v] for k, v in by_buyer.items()})
    metrics.company_gaps = _gaps({k: [m.slot for m in v] for k, v in by_company.items()})
    metrics.objective = sum(m.score for m in meetings) + edition.coverage_bonus * len(by_company)
    if run is not None:
        metrics.run_objective, metrics.run_bound = run.objective, run.upper_bound
    return metrics


# --------------------------------------------------------------------------- agendas


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
