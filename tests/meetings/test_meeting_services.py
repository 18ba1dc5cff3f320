"""Schedule computation, publication and manual edits of an edition's meetings."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from ellipse.editions.enums import EditionStatus
from meetings.enums import BuyerPreferenceKind, MeetingChangeKind, MeetingStatus
from meetings.models import BuyerPreference, Meeting, MeetingChange
from meetings.services import (
    ScheduleError,
    edition_schedule,
    meeting_add,
    meeting_cancel,
    meeting_lock,
    meeting_move,
    meeting_swap,
    schedule_publish,
)
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _active(edition):
    return list(Meeting.objects.filter(edition=edition).exclude(status=MeetingStatus.CANCELLED))


def _triples(edition):
    return {(m.buyer_id, m.company_id, m.slot) for m in _active(edition)}


def _assert_valid(edition, participations, registrations):
    meetings = _active(edition)
    assert len({(m.buyer_id, m.slot) for m in meetings}) == len(meetings)
    assert len({(m.company_id, m.slot) for m in meetings}) == len(meetings)
    assert len({(m.buyer_id, m.company_id) for m in meetings}) == len(meetings)
    per_buyer = Counter(m.buyer_id for m in meetings)
    per_company = Counter(m.company_id for m in meetings)
    for p in participations:
        assert per_buyer[p.organisation_id] <= min(p.max_meetings, edition.max_meetings_per_buyer)
        for m in meetings:
            if m.buyer_id == p.organisation_id and p.available_slots:
                assert m.slot in p.available_slots
    for r in registrations:
        assert per_company[r.company_id] <= edition.max_meetings_per_company
        for m in meetings:
            if m.company_id == r.company_id and r.available_slots:
                assert m.slot in r.available_slots


def test_schedule_saves_valid_meetings_with_reasons(small):
    small.participations[0].available_slots = [1, 2]
    small.participations[0].save()
    small.registrations[0].available_slots = [2, 3]
    small.registrations[0].save()
    report = edition_schedule(edition=small.edition)
    meetings = _active(small.edition)
    assert report.meetings == len(meetings) == report.created > 0
    _assert_valid(small.edition, small.participations, small.registrations)
    assert all(m.status == MeetingStatus.DRAFT and m.reasons and m.score > 0 for m in meetings)
    # Every company matches one buyer's planned contract: each gets its meeting.
    assert report.companies_covered == 6
    assert report.objective <= report.upper_bound + 1e-6
    assert "rendez-vous" in report.summary()


def test_schedule_reports_progress_during_relevance_and_solving(small, monkeypatch):
    """The run's progress moves as companies are scored and as the solver goes, not only at
    the end (a region's run lasts tens of seconds)."""
    from meetings import relevance

    monkeypatch.setattr(relevance, "PROGRESS_EVERY", 2)
    steps = []
    edition_schedule(edition=small.edition, progress=lambda *step: steps.append(step))
    percents = [percent for percent, _message in steps]
    assert percents == sorted(percents) and percents[-1] == 100
    messages = [message for _percent, message in steps]
    assert [m for m in messages if "entreprises sur" in m] == [
        f"Calcul de la pertinence des paires : {done} entreprises sur 6" for done in (2, 4, 6)
    ]
    assert sum("Recherche du meilleur planning" in m for m in messages) == 4
    assert "Enregistrement du planning" in messages


def test_schedule_dry_run_writes_nothing(small):
    report = edition_schedule(edition=small.edition, dry_run=True)
    assert report.meetings > 0
    assert not Meeting.objects.exists()


def test_schedule_without_retained_companies_is_refused(db):
    edition = EditionFactory(year=2040)
    with pytest.raises(ScheduleError, match="Rien à planifier"):
        edition_schedule(edition=edition)


def test_schedule_rerun_is_stable(small):
    edition_schedule(edition=small.edition)
    first = _triples(small.edition)
    ids = {m.pk for m in _active(small.edition)}
    report = edition_schedule(edition=small.edition)
    assert _triples(small.edition) == first
    assert {m.pk for m in _active(small.edition)} == ids  # rows kept, not recreated
    assert report.created == 0 and report.removed == 0


def test_schedule_keeps_locked_and_published_meetings(small):
    edition_schedule(edition=small.edition)
    locked = _active(small.edition)[0]
    # Lock it somewhere else, by hand.
    free = next(
        s
        for s in range(small.edition.slot_count)
        if not Meeting.objects.filter(edition=small.edition, slot=s)
        .filter(company=locked.company)
        .exists()
        and not Meeting.objects.filter(edition=small.edition, slot=s, buyer=locked.buyer).exists()
    )
    meeting_move(meeting_id=locked.pk, slot=free)
    schedule_publish(edition=small.edition)
    published = _triples(small.edition)
    edition_schedule(edition=small.edition)
    assert published <= _triples(small.edition)
    assert Meeting.objects.get(pk=locked.pk).slot == free


def test_schedule_fill_only_moves_nothing_and_fills_freed_slots(small):
    edition_schedule(edition=small.edition)
    victim = _active(small.edition)[0]
    meeting_cancel(meeting_id=victim.pk)
    before = _triples(small.edition)
    report = edition_schedule(edition=small.edition, fill_only=True)
    after = _triples(small.edition)
    assert before <= after  # nothing moved
    assert report.kept == len(before)
    assert (victim.buyer_id, victim.company_id, victim.slot) in after  # the freed slot refilled


def test_schedule_without_keep_published_cancels_dropped_published(small):
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    # The company's only relevant buyer now refuses it: the published meeting is dropped.
    meeting = _active(small.edition)[0]
    BuyerPreference.objects.create(
        edition=small.edition,
        buyer=meeting.buyer,
        company=meeting.company,
        kind=BuyerPreferenceKind.WONT_MEET,
    )
    edition_schedule(edition=small.edition, keep_published=False)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    change = MeetingChange.objects.get(meeting=meeting)
    assert change.kind == MeetingChangeKind.CANCEL and "annulé" in change.description


def test_publish_publishes_drafts_and_records_later_additions(small):
    edition_schedule(edition=small.edition)
    staff = UserFactory(role="staff")
    count = schedule_publish(edition=small.edition, by=staff)
    small.edition.refresh_from_db()
    assert small.edition.status == EditionStatus.SCHEDULE_PUBLISHED
    assert count == Meeting.objects.filter(status=MeetingStatus.PUBLISHED).count() > 0
    assert not MeetingChange.objects.exists()  # the first publication is no change
    victim = _active(small.edition)[0]
    meeting_cancel(meeting_id=victim.pk, by=staff)
    edition_schedule(edition=small.edition, fill_only=True)
    schedule_publish(edition=small.edition, by=staff)
    kinds = sorted(MeetingChange.objects.values_list("kind", flat=True))
    assert kinds == [MeetingChangeKind.ADD, MeetingChangeKind.CANCEL]


# --------------------------------------------------------------------------- manual edits


@pytest.fixture
def scheduled(small):
    edition_schedule(edition=small.edition)
    return small


def _meeting_of(buyer):
    return Meeting.objects.filter(buyer=buyer).exclude(status=MeetingStatus.CANCELLED).first()


def test_move_to_a_taken_slot_is_refused_in_french(scheduled):
    buyer = scheduled.buyers[2]  # two contracts: several meetings
    first, second = list(Meeting.objects.filter(buyer=buyer).order_by("slot"))[:2]
    with pytest.raises(ValidationError) as error:
        meeting_move(meeting_id=first.pk, slot=second.slot)
    assert f"est déjà pris pour {buyer.name}" in error.value.messages[0]
    first.refresh_from_db()
    assert first.slot != second.slot


def test_move_outside_availability_is_refused(scheduled):
    meeting = _meeting_of(scheduled.buyers[0])
    registration = next(r for r in scheduled.registrations if r.company_id == meeting.company_id)
    registration.available_slots = [meeting.slot]
    registration.save()
    target = (meeting.slot + 1) % scheduled.edition.slot_count
    with pytest.raises(ValidationError, match="n'est pas disponible"):
        meeting_move(meeting_id=meeting.pk, slot=target)


def test_move_after_publication_records_the_change(scheduled):
    schedule_publish(edition=scheduled.edition)
    meeting = _meeting_of(scheduled.buyers[1])
    taken = set(Meeting.objects.filter(buyer=meeting.buyer).values_list("slot", flat=True))
    taken |= set(Meeting.objects.filter(company=meeting.company).values_list("slot", flat=True))
    target = next(s for s in range(scheduled.edition.slot_count) if s not in taken)
    staff = UserFactory(role="staff")
    meeting_move(meeting_id=meeting.pk, slot=target, by=staff)
    meeting.refresh_from_db()
    assert meeting.slot == target and meeting.locked
    change = MeetingChange.objects.get()
    slots = scheduled.edition.slots
    assert change.kind == MeetingChangeKind.MOVE and change.created_by == staff
    assert change.new_slot == target and change.notified_at is None and change.needs_notification
    assert f"passe à {slots[target].start:%H:%M}" in change.description


def test_swap_exchanges_slots(scheduled):
    buyer = scheduled.buyers[2]
    first, second = list(Meeting.objects.filter(buyer=buyer).order_by("slot"))[:2]
    meeting_swap(meeting_id=first.pk, other_id=second.pk)
    assert Meeting.objects.get(pk=first.pk).slot == second.slot
    assert Meeting.objects.get(pk=second.pk).slot == first.slot
    assert Meeting.objects.get(pk=first.pk).status == MeetingStatus.DRAFT


def test_cancel_then_add_and_refusals(scheduled):
    edition = scheduled.edition
    meeting = _meeting_of(scheduled.buyers[0])
    meeting_cancel(meeting_id=meeting.pk)
    with pytest.raises(ValidationError, match="annulé"):
        meeting_move(meeting_id=meeting.pk, slot=0)
    added = meeting_add(
        edition=edition, buyer_id=meeting.buyer_id, company_id=meeting.company_id, slot=meeting.slot
    )
    assert added.locked and added.reasons and added.score == meeting.score
    with pytest.raises(ValidationError, match="ont déjà un rendez-vous"):
        meeting_add(
            edition=edition,
            buyer_id=meeting.buyer_id,
            company_id=meeting.company_id,
            slot=(meeting.slot + 1) % edition.slot_count,
        )
    other = scheduled.registrations[2].company
    BuyerPreference.objects.create(
        edition=edition, buyer=meeting.buyer, company=other, kind=BuyerPreferenceKind.WONT_MEET
    )
    with pytest.raises(ValidationError, match="ne souhaite pas rencontrer"):
        meeting_add(edition=edition, buyer_id=meeting.buyer_id, company_id=other.pk, slot=0)


def test_add_beyond_company_capacity_is_refused(scheduled):
    edition = scheduled.edition
    edition.max_meetings_per_company = 1
    edition.save()
    meeting = _meeting_of(scheduled.buyers[0])
    other_buyer = next(b for b in scheduled.buyers if b.pk != meeting.buyer_id)
    busy = set(Meeting.objects.filter(buyer=other_buyer).values_list("slot", flat=True))
    slot = next(s for s in range(edition.slot_count) if s not in busy and s != meeting.slot)
    with pytest.raises(ValidationError, match="le maximum pour cette édition"):
        meeting_add(
            edition=edition, buyer_id=other_buyer.pk, company_id=meeting.company_id, slot=slot
        )


def test_lock_toggles_and_is_kept_by_reruns(scheduled):
    meeting = _meeting_of(scheduled.buyers[1])
    meeting_lock(meeting_id=meeting.pk, locked=True)
    assert Meeting.objects.get(pk=meeting.pk).locked
    edition_schedule(edition=scheduled.edition, keep_published=False)
    assert Meeting.objects.get(pk=meeting.pk).slot == meeting.slot
    meeting_lock(meeting_id=meeting.pk, locked=False)
    assert not Meeting.objects.get(pk=meeting.pk).locked
