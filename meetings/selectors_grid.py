"""Reads of the staff planning grid: one page of buyer rows, single rows after an edit, a
meeting's detail and the waiting list, each in a fixed number of queries.

The grid itself never computes relevance (a meeting carries its score); only the waiting list
needs it, and reads it through :func:`grid_relevance_pairs`, the one place to point at stored
scores."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, Sum

from buyers.models import BuyerOrganisation, BuyerParticipation
from companies.enums import EssStatus, RegistrationStatus, SizeClass
from companies.models import Company, Registration
from ellipse.editions.models import Edition

from .enums import MeetingStatus, ScheduleRunStatus
from .models import Meeting, MeetingChange, ScheduleRun
from .selectors import buyer_capacity, schedule_is_published, slots_of
from .stamps import planning_stamps

ROWS_PER_PAGE = 25
#: The planning page's cached parts (their keys move with the stamps) stay this long at most.
CACHE_SECONDS = 3600


@dataclass
class Cell:
    slot: object
    meeting: Meeting | None
    available: bool
    message: str = ""
    message_level: str = ""


@dataclass
class Row:
    participation: BuyerParticipation
    capacity: int
    cells: list[Cell]

    @property
    def buyer(self) -> BuyerOrganisation:
        return self.participation.organisation

    @property
    def meeting_count(self) -> int:
        return sum(1 for c in self.cells if c.meeting is not None)


@dataclass
class GridMetrics:
    buyer_slots: int = 0
    meetings: int = 0
    drafts: int = 0
    retained: int = 0
    covered: int = 0
    mean_score: float = 0.0
    ess: int = 0
    small: int = 0
    local: int = 0
    buyer_gaps: int = 0
    company_gaps: int = 0
    objective: float = 0.0
    run_bound: float | None = None

    @property
    def bound_share(self) -> float | None:
        return 100.0 * self.objective / self.run_bound if self.run_bound else None

    @staticmethod
    def share(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0

    @property
    def filled_share(self) -> float:
        return self.share(self.meetings, self.buyer_slots)

    @property
    def covered_share(self) -> float:
        return self.share(self.covered, self.retained)

    @property
    def ess_share(self) -> float:
        return self.share(self.ess, self.meetings)

    @property
    def small_share(self) -> float:
        return self.share(self.small, self.meetings)

    @property
    def local_share(self) -> float:
        return self.share(self.local, self.meetings)


@dataclass(frozen=True)
class LogEntry:
    """A line of the planning page's change log."""

    created_at: dt.datetime
    description: str
    author_email: str
    to_notify: bool


@dataclass(frozen=True)
class RunState:
    """The last schedule computation as the planning page shows it."""

    created_at: dt.datetime
    status: str
    progress: int
    message: str

    def get_status_display(self) -> str:
        return str(ScheduleRunStatus(self.status).label)


@dataclass(frozen=True)
class PlanningLog:
    """What the planning page shows of the last computation and the last 10 changes. Cached as
    builtin values (:meth:`values`), never as objects of the code that pickled them."""

    last_run: RunState | None
    running: bool
    changes: list[LogEntry]

    def values(self) -> tuple:
        run = self.last_run
        return (
            None if run is None else (run.created_at, run.status, run.progress, run.message),
            self.running,
            [(c.created_at, c.description, c.author_email, c.to_notify) for c in self.changes],
        )

    @classmethod
    def from_values(cls, values: tuple) -> PlanningLog:
        run, running, changes = values
        return cls(
            last_run=None if run is None else RunState(*run),
            running=running,
            changes=[LogEntry(*change) for change in changes],
        )


def planning_log(*, edition: Edition) -> PlanningLog:
    """The edition's last computation and its last 10 changes, read from the database."""
    last_run, running = schedule_run_state(edition=edition)
    changes = (
        MeetingChange.objects.filter(edition=edition)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:10]
    )
    return PlanningLog(
        last_run=None
        if last_run is None
        else RunState(
            created_at=last_run.created_at,
            status=last_run.status,
            progress=last_run.progress,
            message=last_run.message,
        ),
        running=running,
        changes=[
            LogEntry(
                created_at=change.created_at,
                description=change.description,
                author_email=change.created_by.email if change.created_by else "",
                to_notify=change.needs_notification and not change.notified_at,
            )
            for change in changes
        ],
    )


class GridPage:
    """One page of the grid. Every part is read when first used, so that a page whose fragments
    come from the cache (keyed on :attr:`stamp`) runs none of their queries; the progress of
    the last computation and the change log (:attr:`log`) are cached under :attr:`log_stamp`.
    :meth:`cached` reads the page's fragments and its log in one cache read."""

    def __init__(
        self, *, edition: Edition, page: int | str = 1, query: str = "", buyer_id: int | None = None
    ) -> None:
        self.edition = edition
        self.number = page
        self.query = query
        self.buyer_id = buyer_id

    @cached_property
    def _stamps(self) -> tuple[str, str]:
        return planning_stamps(edition_id=self.edition.pk)

    @property
    def stamp(self) -> str:
        """Moves with anything the rows, the figures and the lead show."""
        return self._stamps[0]

    @property
    def log_stamp(self) -> str:
        """Moves with the grid's stamp, the computations' progress and the change log."""
        return self._stamps[1]

    def fragment_keys(self, language: str) -> dict[str, str]:
        """Cache keys of the page's fragments: the lead and the figures (per edition) and this
        page of rows (per page and filters, hashed: the name filter is free text)."""
        base = f"meetings:planning:{self.edition.pk}:{self.stamp}:{language}"
        filters = f"{self.number}|{self.buyer_id or ''}|{self.query}".encode()
        return {
            "lead": f"{base}:lead",
            "metrics": f"{base}:metrics",
            "grid": f"{base}:grid:{hashlib.md5(filters, usedforsecurity=False).hexdigest()}",
        }

    @property
    def log_key(self) -> str:
        return f"meetings:planning:{self.edition.pk}:log:{self.log_stamp}"

    def cached(self, keys: Iterable[str]) -> dict[str, object]:
        """The values of ``keys`` found in the cache, read with the log in one cache read."""
        keys = list(keys)
        found = cache.get_many([*keys, self.log_key])
        self._log_read = found.get(self.log_key)
        return {key: found[key] for key in keys if key in found}

    @cached_property
    def log(self) -> PlanningLog:
        values = self._log_read if hasattr(self, "_log_read") else cache.get(self.log_key)
        if values is not None:
            return PlanningLog.from_values(values)
        log = planning_log(edition=self.edition)
        cache.set(self.log_key, log.values(), CACHE_SECONDS)
        return log

    @cached_property
    def slots(self) -> list:
        return self.edition.slots

    @cached_property
    def page(self) -> Page:
        participations = (
            BuyerParticipation.objects.filter(edition=self.edition)
            .select_related("organisation")
            .only(*PARTICIPATION_FIELDS)
            .order_by("organisation__name", "pk")
        )
        if self.buyer_id:
            participations = participations.filter(organisation_id=self.buyer_id)
        elif self.query:
            participations = participations.filter(organisation__name__icontains=self.query)
        return Paginator(participations, ROWS_PER_PAGE).get_page(self.number)

    @cached_property
    def rows(self) -> list[Row]:
        return grid_rows(edition=self.edition, participations=list(self.page.object_list))

    @cached_property
    def metrics(self) -> GridMetrics:
        return grid_metrics(edition=self.edition)

    @cached_property
    def published(self) -> bool:
        return schedule_is_published(self.edition)

    @property
    def last_run(self) -> RunState | None:
        return self.log.last_run

    @property
    def running(self) -> bool:
        return self.log.running

    @property
    def changes(self) -> list[LogEntry]:
        return self.log.changes


PARTICIPATION_FIELDS = (
    "id",
    "edition_id",
    "organisation_id",
    "table",
    "available_slots",
    "max_meetings",
    "organisation__id",
    "organisation__name",
)


def _active_meetings(edition: Edition):
    return Meeting.objects.filter(edition=edition).exclude(status=MeetingStatus.CANCELLED)


def grid_rows(*, edition: Edition, participations: list[BuyerParticipation]) -> list[Row]:
    """The grid rows of ``participations`` (their meetings loaded in one query)."""
    slots = edition.slots
    n = edition.slot_count
    by_buyer: dict[int, dict[int, Meeting]] = defaultdict(dict)
    meetings = (
        _active_meetings(edition)
        .filter(buyer_id__in=[p.organisation_id for p in participations])
        .select_related("company")
        .only(
            "id",
            "buyer_id",
            "slot",
            "score",
            "locked",
            "status",
            "company__id",
            "company__legal_name",
            "company__trade_name",
        )
    )
    for meeting in meetings:
        if 0 <= meeting.slot < n:
            by_buyer[meeting.buyer_id][meeting.slot] = meeting
    rows = []
    for participation in participations:
        available = slots_of(participation.available_slots, n)
        own = by_buyer.get(participation.organisation_id, {})
        rows.append(
            Row(
                participation=participation,
                capacity=buyer_capacity(edition=edition, participation=participation),
                cells=[
                    Cell(slot=s, meeting=own.get(i), available=i in available)
                    for i, s in enumerate(slots)
                ],
            )
        )
    return rows


def _gaps(slots_by_party: dict[int, list[int]]) -> int:
    """Idle slots between a party's first and last meeting, summed over the parties."""
    return sum(max(s) - min(s) + 1 - len(s) for s in slots_by_party.values() if s)


def grid_metrics(*, edition: Edition) -> GridMetrics:
    """Edition-wide figures of the grid: aggregates computed by the database, the gaps from one
    list of (buyer, company, slot), the bound from the last finished computation."""
    meetings = _active_meetings(edition)
    figures = meetings.aggregate(
        total=Count("id"),
        drafts=Count("id", filter=Q(status=MeetingStatus.DRAFT)),
        score=Sum("score"),
        ess=Count("id", filter=~Q(company__ess_status=EssStatus.NONE)),
        small=Count("id", filter=Q(company__size_class__in=[SizeClass.MICRO, SizeClass.ARTISAN])),
        local=Count("id", filter=Q(company__is_local=True)),
    )
    by_buyer: dict[int, list[int]] = defaultdict(list)
    by_company: dict[int, list[int]] = defaultdict(list)
    for buyer_id, company_id, slot in meetings.values_list("buyer_id", "company_id", "slot"):
        by_buyer[buyer_id].append(slot)
        by_company[company_id].append(slot)
    retained = Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
    retained_ids = set(retained.values_list("company_id", flat=True))
    participations = BuyerParticipation.objects.filter(edition=edition).only("max_meetings")
    done = (
        ScheduleRun.objects.filter(edition=edition, status=ScheduleRunStatus.DONE)
        .order_by("-finished_at")
        .values_list("upper_bound", flat=True)
        .first()
    )
    total = figures["total"] or 0
    score = figures["score"] or 0.0
    return GridMetrics(
        buyer_slots=sum(buyer_capacity(edition=edition, participation=p) for p in participations),
        meetings=total,
        drafts=figures["drafts"] or 0,
        retained=len(retained_ids),
        covered=len(retained_ids & set(by_company)),
        mean_score=score / total if total else 0.0,
        ess=figures["ess"] or 0,
        small=figures["small"] or 0,
        local=figures["local"] or 0,
        buyer_gaps=_gaps(by_buyer),
        company_gaps=_gaps(by_company),
        objective=score + edition.coverage_bonus * len(by_company),
        run_bound=done,
    )


def grid_page(
    *, edition: Edition, page: int | str = 1, query: str = "", buyer_id: int | None = None
) -> GridPage:
    """One page of the grid (``ROWS_PER_PAGE`` buyers), optionally filtered by buyer name or id;
    its parts are read lazily (see :class:`GridPage`)."""
    return GridPage(edition=edition, page=page, query=query, buyer_id=buyer_id)


def schedule_run_state(*, edition: Edition) -> tuple[ScheduleRun | None, bool]:
    """The edition's last schedule computation, and whether it is still pending or running."""
    last_run = ScheduleRun.objects.filter(edition=edition).order_by("-created_at").first()
    running = last_run is not None and last_run.status in (
        ScheduleRunStatus.PENDING,
        ScheduleRunStatus.RUNNING,
    )
    return last_run, running


def grid_rows_of_buyers(*, edition: Edition, buyer_ids: Iterable[int]) -> list[Row]:
    """The rows of the given buyers, to redraw them after an edit."""
    participations = list(
        BuyerParticipation.objects.filter(edition=edition, organisation_id__in=set(buyer_ids))
        .select_related("organisation")
        .only(*PARTICIPATION_FIELDS)
        .order_by("organisation__name", "pk")
    )
    return grid_rows(edition=edition, participations=participations)


@dataclass
class MeetingDetail:
    meeting: Meeting
    slot: object
    row: Row


def meeting_detail(*, edition: Edition, meeting_id: int) -> MeetingDetail | None:
    """A meeting of the grid with its buyer's row (to offer the other slots), or None."""
    meeting = (
        _active_meetings(edition).select_related("buyer", "company").filter(pk=meeting_id).first()
    )
    if meeting is None:
        return None
    rows = grid_rows_of_buyers(edition=edition, buyer_ids=[meeting.buyer_id])
    if not rows:
        return None
    from .reasons import meetings_reason_lines

    meeting.reason_lines = meetings_reason_lines([meeting], audience="staff")[meeting.pk]
    slots = edition.slots
    slot = slots[meeting.slot] if 0 <= meeting.slot < len(slots) else None
    return MeetingDetail(meeting=meeting, slot=slot, row=rows[0])


# --------------------------------------------------------------------------- waiting list


def grid_relevance_pairs(*, edition: Edition) -> dict[tuple[int, int], float] | None:
    """Relevance of each (buyer id, company id) pair of ``edition``: the grid's only read of
    relevance, from the stored scores (never computed here: None while the task runs)."""
    from .selectors import edition_relevance

    relevance = edition_relevance(edition=edition)
    if relevance is None:
        return None
    return {pair: rel.score for pair, rel in relevance.pairs.items()}


@dataclass
class Waiting:
    registration: Registration
    buyer: BuyerOrganisation | None = None
    slot: int | None = None
    slot_label: str = ""
    score: float = 0.0

    @property
    def company(self) -> Company:
        return self.registration.company


class WaitingList(list):
    """The waiting list; ``relevance_pending`` while the pairs' relevance is being computed."""

    relevance_pending = False


def waiting_list(*, edition: Edition) -> WaitingList:
    """Retained companies without a meeting, each with its best free slot at a relevant buyer."""
    n = edition.slot_count
    meetings = list(_active_meetings(edition).values_list("buyer_id", "company_id", "slot"))
    met = {company_id for _b, company_id, _s in meetings}
    waiting = list(
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
        .exclude(company_id__in=met)
        .select_related("company")
        .order_by("company__legal_name")
    )
    if not waiting:
        return WaitingList()
    pairs = grid_relevance_pairs(edition=edition)
    taken: dict[int, set[int]] = defaultdict(set)
    for buyer_id, _c, slot in meetings:
        taken[buyer_id].add(slot)
    participations = {
        p.organisation_id: p
        for p in BuyerParticipation.objects.filter(edition=edition).select_related("organisation")
    }
    wanted = {r.company_id for r in waiting}
    candidates: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (buyer_id, company_id), score in (pairs or {}).items():
        if company_id in wanted:
            candidates[company_id].append((score, buyer_id))
    slots = edition.slots
    entries = []
    for registration in waiting:
        entry = Waiting(registration=registration)
        available = slots_of(registration.available_slots, n)
        for score, buyer_id in sorted(candidates.get(registration.company_id, []), reverse=True):
            participation = participations.get(buyer_id)
            if participation is None:
                continue
            busy = taken[buyer_id]
            if len(busy) >= buyer_capacity(edition=edition, participation=participation):
                continue
            free = sorted((slots_of(participation.available_slots, n) & available) - busy)
            if free:
                entry.buyer, entry.slot, entry.score = participation.organisation, free[0], score
                entry.slot_label = slots[free[0]].label
                break
        entries.append(entry)
    entries.sort(key=lambda e: (e.buyer is None, -e.score, str(e.company)))
    result = WaitingList(entries)
    result.relevance_pending = pairs is None
    return result
