"""Two staff editing at once: the database refuses the double booking by itself (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.services import meeting_add, meeting_move
from tests.concurrency import postgresql_only, race  # noqa: F401 (the fixture, by name)
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    EditionFactory,
    RegistrationFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgresql_only"),
]


def race_v(*calls):
    """A race where the service's French refusal is an expected outcome."""
    return race(*calls, catch=ValidationError)


def test_two_adds_on_the_same_buyer_slot_exactly_one_wins():
    edition = EditionFactory(year=2050)
    participation = BuyerParticipationFactory(edition=edition)
    companies = [CompanyFactory() for _ in range(2)]
    for company in companies:
        RegistrationFactory(edition=edition, company=company, retained=True)
    for _round in range(5):  # several rounds: the race must never let both through
        Meeting.objects.filter(edition=edition).delete()
        outcomes = race_v(
            *(
                lambda c=c: meeting_add(
                    edition=edition,
                    buyer_id=participation.organisation_id,
                    company_id=c.pk,
                    slot=3,
                )
                for c in companies
            )
        )
        wins = [o for o in outcomes if isinstance(o, Meeting)]
        refusals = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(wins) == 1 and len(refusals) == 1, outcomes
        assert "déjà pris pour" in refusals[0].messages[0]
        assert Meeting.objects.filter(edition=edition, slot=3).count() == 1


def test_two_moves_into_the_same_slot_exactly_one_wins():
    edition = EditionFactory(year=2051)
    participation = BuyerParticipationFactory(edition=edition)
    buyer = participation.organisation
    meetings = []
    for slot in (0, 1):
        company = CompanyFactory()
        RegistrationFactory(edition=edition, company=company, retained=True)
        meetings.append(
            Meeting.objects.create(
                edition=edition,
                buyer=buyer,
                company=company,
                slot=slot,
                status=MeetingStatus.DRAFT,
            )
        )
    outcomes = race_v(*(lambda m=m: meeting_move(meeting_id=m.pk, slot=5) for m in meetings))
    assert sum(isinstance(o, Meeting) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert sorted(Meeting.objects.filter(edition=edition).values_list("slot", flat=True)) in (
        [0, 5],
        [1, 5],
    )
