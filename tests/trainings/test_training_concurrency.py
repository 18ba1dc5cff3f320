"""Concurrent registrations to the last seat: the database never lets both through (PostgreSQL)."""

import pytest

from tests.concurrency import postgresql_only, race  # noqa: F401 (the fixture, by name)
from tests.factories import CompanyFactory, SessionFactory
from trainings.enums import ParticipantKind
from trainings.models import Participant
from trainings.services import Person, participant_cancel, session_register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgresql_only"),
]


def test_two_registrations_for_the_last_seat_one_seated_one_waiting():
    session = SessionFactory(capacity=1, people_per_company=1)
    companies = [CompanyFactory() for _ in range(4)]
    for round_ in range(4):  # several rounds: the race must never seat both
        Participant.objects.filter(session=session).delete()
        outcomes = race(
            *(
                lambda c=c, i=i, r=round_: session_register(
                    session_id=session.pk,
                    people=[Person(f"P{i}", f"p{r}-{i}@x.fr")],
                    kind=ParticipantKind.COMPANY,
                    company_id=c.pk,
                )
                for i, c in enumerate(companies[:2])
            )
        )
        assert all(isinstance(o, list) for o in outcomes), outcomes
        statuses = sorted(o[0].status for o in outcomes)
        assert statuses == ["confirmed", "waiting"]
        assert Participant.objects.filter(session=session, seat_number__isnull=False).count() == 1


def test_cancel_racing_a_registration_never_overfills():
    session = SessionFactory(capacity=2, people_per_company=1)
    a, b, c = (CompanyFactory() for _ in range(3))
    first = session_register(
        session_id=session.pk, people=[Person("A", "a@x.fr")], kind="company", company_id=a.pk
    )[0]
    session_register(
        session_id=session.pk, people=[Person("B", "b@x.fr")], kind="company", company_id=b.pk
    )
    race(
        lambda: participant_cancel(participant_id=first.pk),
        lambda: session_register(
            session_id=session.pk,
            people=[Person("C", "c@x.fr")],
            kind="company",
            company_id=c.pk,
        ),
    )
    seated = Participant.objects.filter(session=session, seat_number__isnull=False)
    # Whichever ran first, C ends up on the freed seat (directly, or offered from the list).
    assert sorted(seated.values_list("seat_number", flat=True)) == [1, 2]
    assert seated.get(seat_number=1).email == "c@x.fr"
