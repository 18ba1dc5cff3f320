"""Two staff editing at once: the database refuses the double booking by itself (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.services import meeting_add, meeting_move
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    EditionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrence réelle entre deux transactions : il faut PostgreSQL "
            "(DATABASE_URL=postgres://…), comme en CI."
        )


def _race(*calls):
    """Run each call in its own thread (own connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except ValidationError as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_adds_on_the_same_buyer_slot_exactly_one_wins():
    edition = EditionFactory(year=2050)
    participation = BuyerParticipationFactory(edition=edition)
    companies = [CompanyFactory() for _ in range(2)]
    for company in companies:
        RegistrationFactory(edition=edition, company=company, retained=True)
    for _round in range(5):  # several rounds: the race must never let both through
        Meeting.objects.filter(edition=edition).delete()
        outcomes = _race(
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
    outcomes = _race(*(lambda m=m: meeting_move(meeting_id=m.pk, slot=5) for m in meetings))
    assert sum(isinstance(o, Meeting) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert sorted(Meeting.objects.filter(edition=edition).values_list("slot", flat=True)) in (
        [0, 5],
        [1, 5],
    )
