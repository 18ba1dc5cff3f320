"""Computing an edition's schedule: the problem built from stored relevance and
availabilities, the solver (OR-Tools, imported only here, when a computation runs), and the
result saved in one transaction; runs recorded with their progress for the task."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buyers.models import BuyerParticipation
from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.editions.models import Edition

from ..enums import MeetingStatus, ScheduleRunStatus
from ..models import Meeting, ScheduleRun
from ..selectors import buyer_capacity, schedule_is_published, slots_of
from ..stamps import grid_bump, log_bump
from .changes import _cancel
from .relevance import edition_relevance_store

DEFAULT_TIME_LIMIT = 20.0
#: Share of a run's progress (percent) given to the relevance of the pairs, reported as the
#: companies are scored (a third of the run at a region's size).
RELEVANCE_SHARE = 25


class ScheduleError(Exception):
    """The schedule cannot be computed; the message is in French, for staff."""


@dataclass
class ScheduleReport:
    edition_id: int
    dry_run: bool
    fill_only: bool
    keep_published: bool
    meetings: int = 0  # meetings of the resulting schedule (kept + new)
    kept: int = 0
    created: int = 0
    removed: int = 0
    companies_retained: int = 0
    companies_covered: int = 0
    buyers: int = 0
    candidate_pairs: int = 0
    objective: float = 0.0
    upper_bound: float = 0.0
    status: str = ""
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return (self.upper_bound - self.objective) / self.upper_bound if self.upper_bound else 0.0

    def summary(self) -> str:
        return _(
            "%(meetings)d rendez-vous (%(kept)d gardés, %(created)d nouveaux, %(removed)d "
            "retirés) ; %(covered)d entreprises retenues sur %(retained)d ont au moins un "
            "rendez-vous ; objectif %(objective).2f pour une borne de %(bound).2f (écart "
            "%(gap).2f %%) ; calcul en %(seconds).1f s."
        ) % {
            "meetings": self.meetings,
            "kept": self.kept,
            "created": self.created,
            "removed": self.removed,
            "covered": self.companies_covered,
            "retained": self.companies_retained,
            "objective": self.objective,
            "bound": self.upper_bound,
            "gap": 100 * self.gap,
            "seconds": self.seconds,
        }


def _kept_filter(*, keep_published: bool, fill_only: bool) -> Q:
    if fill_only:
        return Q()
    kept = Q(locked=True)
    if keep_published:
        kept |= Q(status=MeetingStatus.PUBLISHED)
    return kept


def _build_problem(*, edition, relevance, kept: list[Meeting]) -> dict:
    n = edition.slot_count
    participations = list(BuyerParticipation.objects.filter(edition=edition))
    registrations = list(
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
    )
    kept_by_buyer: dict[int, list[Meeting]] = defaultdict(list)
    kept_by_company: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in kept:
        kept_by_buyer[meeting.buyer_id].append(meeting)
        kept_by_company[meeting.company_id].append(meeting)

    def party(pid, capacity, declared, own_kept):
        # Kept meetings stay valid even if availability or capacity changed since.
        available = slots_of(declared, n) | {m.slot for m in own_kept}
        return {
            "id": str(pid),
            "capacity": min(n, max(capacity, len(own_kept))),
            "available": sorted(available),
        }

    buyers = {
        p.organisation_id: party(
            p.organisation_id,
            buyer_capacity(edition=edition, participation=p),
            p.available_slots,
            kept_by_buyer.get(p.organisation_id, []),
        )
        for p in participations
    }
    companies = {
        r.company_id: party(
            r.company_id,
            edition.max_meetings_per_company,
            r.available_slots,
            kept_by_company.get(r.company_id, []),
        )
        for r in registrations
    }
    # Parties of kept meetings no longer in the edition: only their kept meetings.
    for buyer_id, meetings in kept_by_buyer.items():
        buyers.setdefault(buyer_id, party(buyer_id, 0, [m.slot for m in meetings], meetings))
    for company_id, meetings in kept_by_company.items():
        companies.setdefault(company_id, party(company_id, 0, [m.slot for m in meetings], meetings))
    pairs = {
        key: {"buyer": str(key[0]), "company": str(key[1]), "score": rel.score}
        for key, rel in relevance.pairs.items()
        if key[0] in buyers and key[1] in companies
    }
    for meeting in kept:
        key = (meeting.buyer_id, meeting.company_id)
        pairs.setdefault(
            key,
            {"buyer": str(key[0]), "company": str(key[1]), "score": max(0.0, meeting.score)},
        )
    return {
        "slots": n,
        "coverage_bonus": edition.coverage_bonus,
        "buyers": list(buyers.values()),
        "companies": list(companies.values()),
        "pairs": list(pairs.values()),
        "locked": [
            {"buyer": str(m.buyer_id), "company": str(m.company_id), "slot": m.slot} for m in kept
        ],
    }


def edition_schedule(
    *,
    edition: Edition,
    dry_run: bool = False,
    keep_published: bool = True,
    fill_only: bool = False,
    by=None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[int, str], None] | None = None,
) -> ScheduleReport:
    """Compute the schedule of ``edition`` and save it (unless ``dry_run``).

    Kept as they are: locked meetings, published ones (unless ``keep_published`` is false) and,
    with ``fill_only``, every meeting not cancelled — then only free slots are filled. Other
    draft meetings are replaced; a published meeting that is not kept and not chosen again is
    cancelled (and the change recorded). New meetings are drafts until ``schedule_publish``.

    The solver runs outside any transaction; the result is saved in one transaction that first
    checks that nobody changed the kept meetings meanwhile (else: ``ScheduleError``)."""
    started = time.perf_counter()
    report = ScheduleReport(
        edition_id=edition.pk, dry_run=dry_run, fill_only=fill_only, keep_published=keep_published
    )
    step = progress or (lambda percent, message: None)
    step(2, _("Calcul de la pertinence des paires"))

    def scored(done: int, total: int) -> None:
        step(
            2 + RELEVANCE_SHARE * done // max(total, 1),
            _("Calcul de la pertinence des paires : %(done)d entreprises sur %(total)d")
            % {"done": done, "total": total},
        )

    relevance = edition_relevance_store(edition=edition, progress=scored)
    step(2 + RELEVANCE_SHARE, _("Préparation du problème de planification"))
    current = list(Meeting.objects.filter(edition=edition).exclude(status=MeetingStatus.CANCELLED))
    kept_q = _kept_filter(keep_published=keep_published, fill_only=fill_only)
    kept_ids = set(
        Meeting.objects.filter(edition=edition)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(kept_q)
        .values_list("pk", flat=True)
    )
    kept = [m for m in current if m.pk in kept_ids]
    problem = _build_problem(edition=edition, relevance=relevance, kept=kept)
    report.buyers = sum(1 for b in problem["buyers"] if b["capacity"] > 0)
    report.companies_retained = Registration.objects.filter(
        edition=edition, status=RegistrationStatus.RETAINED
    ).count()
    report.candidate_pairs = len(problem["pairs"])
    if not problem["buyers"] or not problem["companies"]:
        raise ScheduleError(
            _(
                "Rien à planifier pour %(edition)s : il faut au moins un acheteur participant "
                "et une entreprise retenue."
            )
            % {"edition": edition}
        )
    step(30, _("Recherche du meilleur planning"))
    from ..solver import ProblemError, solve  # OR-Tools: loaded by the computation only

    solver_steps = {
        "parsed": (35, _("Recherche du meilleur planning : choix des rendez-vous")),
        "assigned": (75, _("Recherche du meilleur planning : resserrement des agendas")),
        "compacted": (82, _("Recherche du meilleur planning : terminée")),
    }
    try:
        result = solve(
            problem, time_limit=time_limit, progress=lambda stage: step(*solver_steps[stage])
        )
    except ProblemError as exc:  # a bug of ours rather than of the data: say it plainly
        message = _("Problème de planification invalide : %(error)s") % {"error": exc}
        raise ScheduleError(message) from exc
    step(85, _("Enregistrement du planning"))
    wanted = {(int(m["buyer"]), int(m["company"])): m["slot"] for m in result["meetings"]}
    report.objective = result["objective"]
    report.upper_bound = result["upper_bound"]
    report.status = result["status"]
    report.stats = result["stats"]
    report.meetings = len(wanted)
    report.companies_covered = len({company for _b, company in wanted})
    if not dry_run:
        counts = _save(
            edition=edition, wanted=wanted, kept_ids=kept_ids, relevance=relevance, by=by
        )
        report.kept, report.created, report.removed = counts
    else:
        unchanged = {
            (m.buyer_id, m.company_id)
            for m in current
            if wanted.get((m.buyer_id, m.company_id)) == m.slot
        }
        report.kept = len(unchanged)
        report.created = len(wanted) - len(unchanged)
        report.removed = len(current) - len(unchanged)
    report.seconds = time.perf_counter() - started
    step(100, _("Terminé"))
    return report


@transaction.atomic
def _save(*, edition, wanted, kept_ids, relevance, by) -> tuple[int, int, int]:
    Edition.objects.select_for_update().get(pk=edition.pk)  # one saving at a time per edition
    current = list(
        Meeting.objects.select_for_update()
        .filter(edition=edition)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("buyer", "company")
    )
    if not kept_ids <= {m.pk for m in current}:
        raise ScheduleError(_("Le planning a été modifié pendant le calcul : relancez le calcul."))
    published_edition = schedule_is_published(edition)
    to_delete, to_cancel, unchanged = [], [], 0
    for meeting in current:
        key = (meeting.buyer_id, meeting.company_id)
        if meeting.pk in kept_ids or wanted.get(key) == meeting.slot:
            unchanged += 1
            wanted.pop(key, None)
            rel = relevance.pairs.get(key)
            if rel is not None and (meeting.score != rel.score or meeting.reasons != rel.reasons):
                meeting.score, meeting.reasons = rel.score, rel.reasons
                meeting.save(update_fields=["score", "reasons", "updated_at"])
        elif meeting.status == MeetingStatus.PUBLISHED:
            to_cancel.append(meeting)
        else:
            to_delete.append(meeting.pk)
    Meeting.objects.filter(pk__in=to_delete).delete()
    for meeting in to_cancel:
        _cancel(meeting=meeting, by=by, record=published_edition)
    new = []
    for (buyer_id, company_id), slot in sorted(wanted.items()):
        rel = relevance.pairs.get((buyer_id, company_id))
        new.append(
            Meeting(
                edition=edition,
                buyer_id=buyer_id,
                company_id=company_id,
                slot=slot,
                score=rel.score if rel else 0.0,
                reasons=rel.reasons if rel else [],
                status=MeetingStatus.DRAFT,
                created_by=by,
            )
        )
    Meeting.objects.bulk_create(new)
    grid_bump(edition_id=edition.pk)
    return unchanged, len(new), len(to_delete) + len(to_cancel)


# --------------------------------------------------------------------------- runs (task)


def schedule_run_request(
    *, edition: Edition, by=None, fill_only: bool = False, keep_published: bool = True
) -> ScheduleRun:
    """Record a schedule computation and queue its Celery task once the transaction commits."""
    from ..tasks import schedule_edition_task

    with transaction.atomic():
        if ScheduleRun.objects.filter(
            edition=edition, status__in=[ScheduleRunStatus.PENDING, ScheduleRunStatus.RUNNING]
        ).exists():
            raise ValidationError(_("Un calcul du planning est déjà en cours pour cette édition."))
        run = ScheduleRun.objects.create(
            edition=edition, fill_only=fill_only, keep_published=keep_published, created_by=by
        )
        transaction.on_commit(lambda: schedule_edition_task.delay(run_id=run.pk))
    return run


def schedule_run_execute(*, run_id: int, time_limit: float = DEFAULT_TIME_LIMIT) -> ScheduleRun:
    """Carry out a recorded run (idempotent: a finished run is left as it is)."""
    claimed = ScheduleRun.objects.filter(pk=run_id, status=ScheduleRunStatus.PENDING).update(
        status=ScheduleRunStatus.RUNNING, started_at=timezone.now(), progress=1
    )
    run = ScheduleRun.objects.select_related("edition", "created_by").get(pk=run_id)
    if not claimed:
        return run
    log_bump(edition_id=run.edition_id)  # the planning page shows the run's progress

    def progress(percent: int, message: str) -> None:
        ScheduleRun.objects.filter(pk=run_id).update(progress=percent, message=message)
        log_bump(edition_id=run.edition_id)

    try:
        report = edition_schedule(
            edition=run.edition,
            fill_only=run.fill_only,
            keep_published=run.keep_published,
            by=run.created_by,
            time_limit=time_limit,
            progress=progress,
        )
    except ScheduleError as exc:
        ScheduleRun.objects.filter(pk=run_id).update(
            status=ScheduleRunStatus.FAILED, message=str(exc), finished_at=timezone.now()
        )
    else:
        stats = {k: v for k, v in report.stats.items() if isinstance(v, int | float | str | bool)}
        stats.update(
            kept=report.kept,
            created=report.created,
            removed=report.removed,
            meetings=report.meetings,
            companies_covered=report.companies_covered,
            companies_retained=report.companies_retained,
            solver_status=report.status,
        )
        ScheduleRun.objects.filter(pk=run_id).update(
            status=ScheduleRunStatus.DONE,
            progress=100,
            message=report.summary(),
            objective=report.objective,
            upper_bound=report.upper_bound,
            stats=stats,
            finished_at=timezone.now(),
        )
    grid_bump(edition_id=run.edition_id)  # the figures show the last computation's bound
    run.refresh_from_db()
    return run
