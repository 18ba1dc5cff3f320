"""Hand edits of the schedule from the planning page: move, swap, cancel, lock, add.

The database has the last word on conflicts (one meeting per buyer per slot, per company per
slot, per pair): every service checks first to give a clear French message, then turns an
``IntegrityError`` raised by a concurrent edit into the same kind of message.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from buyers.models import BuyerParticipation
from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.editions.models import Edition

from ..enums import BuyerPreferenceKind, MeetingChangeKind, MeetingStatus
from ..models import BuyerPreference, Meeting
from ..relevance import edition_relevance_compute
from ..selectors import buyer_capacity, schedule_is_published, slots_of
from ..stamps import grid_bump
from .changes import _add_text, _cancel, _record, _time


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
        slots_of(participation.available_slots if participation else [], n),
        slots_of(registration.available_slots if registration else [], n),
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
            grid_bump(edition_id=first.edition_id)
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
            relevance = edition_relevance_compute(
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
