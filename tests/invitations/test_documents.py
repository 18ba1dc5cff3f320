"""Generated documents in batches: several participants per refresh task, contexts built
together, and a schedule change regenerates exactly the changed participants' files."""

import pytest

from meetings.invitations.documents import agenda_documents_ensure_many
from meetings.invitations.models import GeneratedDocument
from meetings.invitations.services import REFRESH_CHUNK, refresh_chunks, schedule_changes_notify
from meetings.models import Meeting, MeetingChange

pytestmark = pytest.mark.django_db


def test_refresh_chunks_group_participants_by_kind():
    parties = [("company", pk) for pk in range(1, 20)] + [("buyer", 7), ("buyer", 9)]
    chunks = refresh_chunks(3, parties)
    assert [(c["owner_kind"], c["owner_ids"]) for c in chunks] == [
        ("company", list(range(1, 1 + REFRESH_CHUNK))),
        ("company", list(range(1 + REFRESH_CHUNK, 1 + 2 * REFRESH_CHUNK))),
        ("company", list(range(1 + 2 * REFRESH_CHUNK, 20))),
        ("buyer", [7, 9]),
    ]
    assert {c["edition_id"] for c in chunks} == {3}


def test_several_participants_share_their_context_queries(schedule, django_assert_max_num_queries):
    edition, _buyers, companies = schedule
    ids = [c.pk for c in companies]
    with django_assert_max_num_queries(6 + 6 * len(ids)):  # one context set, then 6 per pair
        documents = agenda_documents_ensure_many(
            edition=edition, owner_kind="company", owner_ids=[*ids, 999_999]
        )
    met = set(Meeting.objects.filter(edition=edition).values_list("company_id", flat=True))
    assert set(documents) == met  # the unknown id has nothing to show: left out
    assert all(
        [d.kind for d in pair] == ["company_agenda", "company_ics"] for pair in documents.values()
    )


def test_a_schedule_change_regenerates_the_moved_participants_documents(
    schedule, django_capture_on_commit_callbacks
):
    edition, _buyers, companies = schedule
    meeting = Meeting.objects.filter(edition=edition).select_related("buyer", "company").first()
    before = {
        (d.kind, d.owner_id): d.content_hash
        for d in [
            *agenda_documents_ensure_many(
                edition=edition, owner_kind="company", owner_ids=[c.pk for c in companies]
            )[meeting.company_id],
        ]
    }
    taken = set(
        Meeting.objects.filter(edition=edition, company=meeting.company).values_list(
            "slot", flat=True
        )
    ) | set(
        Meeting.objects.filter(edition=edition, buyer=meeting.buyer).values_list("slot", flat=True)
    )
    new_slot = max(set(range(edition.slot_count)) - taken)
    old_slot, meeting.slot = meeting.slot, new_slot
    meeting.save()
    MeetingChange.objects.create(
        edition=edition,
        meeting=meeting,
        kind="move",
        old_slot=old_slot,
        new_slot=new_slot,
        buyer=meeting.buyer,
        company=meeting.company,
        description="Déplacé.",
    )
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in the tests
        schedule_changes_notify(edition=edition)
    after = GeneratedDocument.objects.filter(edition=edition, owner_id=meeting.company_id)
    after = {(d.kind, d.owner_id): d.content_hash for d in after if d.kind.startswith("company")}
    assert set(after) == set(before)
    assert all(after[key] != before[key] for key in before)
    assert GeneratedDocument.objects.filter(
        edition=edition, kind="buyer_agenda", owner_id=meeting.buyer_id
    ).exists()
