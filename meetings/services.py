"""Writes of meetings/: computing, publishing and hand-editing an edition's schedule.

The database has the last word on conflicts (one meeting per buyer per slot, per company per
slot, per pair): every service checks first to give a clear French message, then turns an
``IntegrityError`` raised by a concurrent edit into the same kind of message.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buyers.models import BuyerParticipation
from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

from .enums import BuyerPreferenceKind, MeetingChangeKind, MeetingStatus, ScheduleRunStatus
from .models import BuyerPreference, Meeting, MeetingChange, ScheduleRun
from .relevance import edition_relevance
from .solver import ProblemError, solve

DEFAULT_TIME_LIMIT = 20.0


def schedule_is_published(edition: Edition) -> bool:
    """The schedule is public once the edition says so or a meeting has been published."""
    return (
        edition.status == EditionStatus.SCHEDULE_PUBLISHED
        or Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED).exists()
    )


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


def _slots_of(declared, slot_count: int) -> set[int]:
    wanted = {s for s in (declared or []) if isinstance(s, int) and 0 <= s < slot_count}
    return wanted or set(range(slot_count))


def buyer_capacity(*, edition: Edition, participation: BuyerParticipation) -> int:
    return min(participation.max_meetings, edition.max_meetings_per_buyer, edition.slot_count)


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
        available = _slots_of(declared, n) | {m.slot for m in own_kept}
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
    step(5, _("Calcul de la pertinence des paires"))
    relevance = edition_relevance(edition=edition)
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
    step(20, _("Recherche du meilleur planning"))
    try:
        result = solve(problem, time_limit=time_limit)
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
    return unchanged, len(new), len(to_delete) + len(to_cancel)


# --------------------------------------------------------------------------- runs (task)


def schedule_run_request(
    *, edition: Edition, by=None, fill_only: bool = False, keep_published: bool = True
) -> ScheduleRun:
    """Record a schedule computation and queue its Celery task once the transaction commits."""
    from .tasks import schedule_edition_task

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

    def progress(percent: int, message: str) -> None:
        ScheduleRun.objects.filter(pk=run_id).update(progress=percent, message=message)

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
    run.refresh_from_db()
    return run


# --------------------------------------------------------------------------- publication


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


# --------------------------------------------------------------------------- manual edits


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


def _locked_meeting(meeting_id: int) -> Meeting:
    try:
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("edition", "buyer", "company")
            .get(pk=meeting_id)
        )
    except Meeting.DoesNotExist:
        raise ValidationError(_("Ce rendez-vous n'existe plus.")) from None
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Ce rendez-vous est annulé."))
    return meeting


def _availability(edition: Edition, buyer_id: int, company_id: int) -> tuple[set, set]:
    participation = BuyerParticipation.objects.filter(
        edition=edition, organisation_id=buyer_id
    ).first()
    registration = Registration.objects.filter(edition=edition, company_id=company_id).first()
    n = edition.slot_count
    return (
        _slots_of(participation.available_slots if participation else [], n),
        _slots_of(registration.available_slots if registration else [], n),
    )


def _check_slot(*, edition, buyer, company, slot: int, ignore: tuple[int, ...] = ()) -> None:
    """French refusal when ``slot`` does not suit the buyer and the company."""
    slots = edition.slots
    if not 0 <= slot < len(slots):
        raise ValidationError(_("Ce créneau n'existe pas dans la grille de cette édition."))
    label = slots[slot].label
    buyer_slots, company_slots = _availability(edition, buyer.pk, company.pk)
    if slot not in buyer_slots:
        raise ValidationError(
            _("%(buyer)s n'est pas disponible sur le créneau %(slot)s.")
            % {"buyer": buyer, "slot": label}
        )
    if slot not in company_slots:
        raise ValidationError(
            _("%(company)s n'est pas disponible sur le créneau %(slot)s.")
            % {"company": company, "slot": label}
        )
    busy = Meeting.objects.filter(edition=edition, slot=slot).exclude(
        status=MeetingStatus.CANCELLED
    )
    busy = busy.exclude(pk__in=ignore)
    if busy.filter(buyer=buyer).exists():
        raise ValidationError(_taken_buyer(buyer, label))
    if busy.filter(company=company).exists():
        raise ValidationError(_taken_company(company, label))


def _taken_buyer(buyer, label) -> str:
    return _("Ce créneau (%(slot)s) est déjà pris pour %(buyer)s.") % {
        "slot": label,
        "buyer": buyer,
    }


def _taken_company(company, label) -> str:
    return _("%(company)s a déjà un rendez-vous sur ce créneau (%(slot)s).") % {
        "company": company,
        "slot": label,
    }


def _conflict_message(exc: IntegrityError, *, buyer, company, label) -> str:
    """The French message for a constraint violated by a concurrent edit."""
    text = str(exc)
    if "meeting_company_slot_unique" in text or "company_id, slot" in text:
        return _taken_company(company, label)
    if "meeting_pair_unique" in text or "buyer_id, company_id" in text:
        return _("%(buyer)s et %(company)s ont déjà un rendez-vous.") % {
            "buyer": buyer,
            "company": company,
        }
    return _taken_buyer(buyer, label)


def meeting_move(*, meeting_id: int, slot: int, by=None) -> Meeting:
    """Move a meeting to another slot of the same buyer's table. The meeting becomes locked
    (a staff decision is kept by later computations)."""
    try:
        with transaction.atomic():
            meeting = _locked_meeting(meeting_id)
            edition = meeting.edition
            if meeting.slot == slot:
                raise ValidationError(_("Le rendez-vous est déjà sur ce créneau."))
            _check_slot(
                edition=edition,
                buyer=meeting.buyer,
                company=meeting.company,
                slot=slot,
                ignore=(meeting.pk,),
            )
            old = meeting.slot
            meeting.slot, meeting.locked = slot, True
            meeting.save(update_fields=["slot", "locked", "updated_at"])
            slots = edition.slots
            _record(
                meeting=meeting,
                kind=MeetingChangeKind.MOVE,
                by=by,
                old_slot=old,
                new_slot=slot,
                text=_("Le rendez-vous de %(old)s entre %(buyer)s et %(company)s passe à %(new)s.")
                % {
                    "old": _time(slots, old),
                    "new": _time(slots, slot),
                    "buyer": meeting.buyer,
                    "company": meeting.company,
                },
            )
            return meeting
    except IntegrityError as exc:
        meeting = Meeting.objects.select_related("edition", "buyer", "company").get(pk=meeting_id)
        label = meeting.edition.slots[slot].label
        raise ValidationError(
            _conflict_message(exc, buyer=meeting.buyer, company=meeting.company, label=label)
        ) from exc


def meeting_swap(*, meeting_id: int, other_id: int, by=None) -> tuple[Meeting, Meeting]:
    """Exchange the slots of two meetings of the same edition (usually of the same buyer)."""
    if meeting_id == other_id:
        raise ValidationError(_("Choisissez deux rendez-vous différents."))
    try:
        with transaction.atomic():
            first, second = (_locked_meeting(pk) for pk in sorted((meeting_id, other_id)))
            if first.edition_id != second.edition_id:
                raise ValidationError(_("Ces deux rendez-vous ne sont pas de la même édition."))
            if first.slot == second.slot:
                raise ValidationError(_("Ces deux rendez-vous sont sur le même créneau."))
            edition = first.edition
            ignore = (first.pk, second.pk)
            _check_slot(
                edition=edition,
                buyer=first.buyer,
                company=first.company,
                slot=second.slot,
                ignore=ignore,
            )
            _check_slot(
                edition=edition,
                buyer=second.buyer,
                company=second.company,
                slot=first.slot,
                ignore=ignore,
            )
            old_first, old_second = first.slot, second.slot
            # The partial unique indexes cannot be deferred: step aside through "cancelled".
            status_first = first.status
            Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.CANCELLED)
            Meeting.objects.filter(pk=second.pk).update(slot=old_first, locked=True)
            Meeting.objects.filter(pk=first.pk).update(
                slot=old_second, status=status_first, locked=True
            )
            first.refresh_from_db()
            second.refresh_from_db()
            slots = edition.slots
            moves = ((first, old_first, old_second), (second, old_second, old_first))
            for meeting, old, new in moves:
                _record(
                    meeting=meeting,
                    kind=MeetingChangeKind.SWAP,
                    by=by,
                    old_slot=old,
                    new_slot=new,
                    text=_(
                        "Le rendez-vous de %(old)s entre %(buyer)s et %(company)s passe à %(new)s."
                    )
                    % {
                        "old": _time(slots, old),
                        "new": _time(slots, new),
                        "buyer": meeting.buyer,
                        "company": meeting.company,
                    },
                )
            return first, second
    except IntegrityError as exc:
        raise ValidationError(
            _("L'échange est impossible : un autre rendez-vous vient d'occuper l'un des créneaux.")
        ) from exc


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


def meeting_cancel(*, meeting_id: int, by=None) -> Meeting:
    """Cancel a meeting: its slot is freed for a re-run or a manual add. A draft meeting is
    simply removed from the grid the same way (kept as cancelled for the record)."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting_id)
        _cancel(meeting=meeting, by=by)
        return meeting


def meeting_lock(*, meeting_id: int, locked: bool = True, by=None) -> Meeting:
    """Lock a meeting (later computations keep it where it is) or unlock it."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting_id)
        if meeting.locked == locked:
            return meeting
        meeting.locked = locked
        meeting.save(update_fields=["locked", "updated_at"])
        values = {"buyer": meeting.buyer, "company": meeting.company}
        _record(
            meeting=meeting,
            kind=MeetingChangeKind.LOCK if locked else MeetingChangeKind.UNLOCK,
            by=by,
            old_slot=meeting.slot,
            new_slot=meeting.slot,
            text=(
                _("Rendez-vous entre %(buyer)s et %(company)s verrouillé.")
                if locked
                else _("Rendez-vous entre %(buyer)s et %(company)s déverrouillé.")
            )
            % values,
            notify=False,
        )
        return meeting


def meeting_add(*, edition: Edition, buyer_id: int, company_id: int, slot: int, by=None) -> Meeting:
    """Add a meeting by hand. The buyer must take part, the company be retained; capacities,
    availabilities, the buyer's "won't meet" and free slots are checked. The meeting is
    locked, published at once if the schedule is already published."""
    try:
        with transaction.atomic():
            edition = Edition.objects.get(pk=edition.pk)
            participation = (
                BuyerParticipation.objects.filter(edition=edition, organisation_id=buyer_id)
                .select_related("organisation")
                .first()
            )
            if participation is None:
                raise ValidationError(_("Cet acheteur ne participe pas à cette édition."))
            registration = (
                Registration.objects.filter(edition=edition, company_id=company_id)
                .select_related("company")
                .first()
            )
            if registration is None or registration.status != RegistrationStatus.RETAINED:
                raise ValidationError(_("Cette entreprise n'est pas retenue pour cette édition."))
            buyer, company = participation.organisation, registration.company
            if BuyerPreference.objects.filter(
                edition=edition, buyer=buyer, company=company, kind=BuyerPreferenceKind.WONT_MEET
            ).exists():
                raise ValidationError(
                    _("%(buyer)s ne souhaite pas rencontrer %(company)s.")
                    % {"buyer": buyer, "company": company}
                )
            active = Meeting.objects.filter(edition=edition).exclude(status=MeetingStatus.CANCELLED)
            if active.filter(buyer=buyer, company=company).exists():
                raise ValidationError(
                    _("%(buyer)s et %(company)s ont déjà un rendez-vous.")
                    % {"buyer": buyer, "company": company}
                )
            _check_slot(edition=edition, buyer=buyer, company=company, slot=slot)
            load = Counter(
                active.filter(Q(buyer=buyer) | Q(company=company)).values_list(
                    "buyer_id", flat=True
                )
            )
            if load[buyer.pk] >= buyer_capacity(edition=edition, participation=participation):
                raise ValidationError(
                    _("%(buyer)s a déjà son nombre maximum de rendez-vous.") % {"buyer": buyer}
                )
            if active.filter(company=company).count() >= edition.max_meetings_per_company:
                raise ValidationError(
                    _("%(company)s a déjà %(n)d rendez-vous, le maximum pour cette édition.")
                    % {"company": company, "n": edition.max_meetings_per_company}
                )
            relevance = edition_relevance(
                edition=edition, buyer_ids=[buyer.pk], company_ids=[company.pk]
            ).pairs.get((buyer.pk, company.pk))
            published = schedule_is_published(edition)
            meeting = Meeting.objects.create(
                edition=edition,
                buyer=buyer,
                company=company,
                slot=slot,
                score=relevance.score if relevance else 0.0,
                reasons=relevance.reasons if relevance else [],
                locked=True,
                status=MeetingStatus.PUBLISHED if published else MeetingStatus.DRAFT,
                created_by=by,
            )
            _record(
                meeting=meeting,
                kind=MeetingChangeKind.ADD,
                by=by,
                new_slot=slot,
                text=_add_text(meeting, edition.slots),
            )
            return meeting
    except IntegrityError as exc:
        from buyers.models import BuyerOrganisation
        from companies.models import Company

        buyer = BuyerOrganisation.objects.get(pk=buyer_id)
        company = Company.objects.get(pk=company_id)
        label = edition.slots[slot].label
        raise ValidationError(
            _conflict_message(exc, buyer=buyer, company=company, label=label)
        ) from exc
