"""Concurrent registrations to the last seat: the database never lets both through (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import CompanyFactory, SessionFactory
from trainings.enums import ParticipantKind
from trainings.models import Participant
from trainings.services import Person, participant_cancel, session_register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrence réelle entre deux transactions : il faut PostgreSQL.")


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_registrations_for_the_last_seat_one_seated_one_waiting():
    session = SessionFactory(capacity=1, people_per_company=1)
    companies = [CompanyFactory() for _ in range(4)]
    for round_ in range(4):  # several rounds: the race must never seat both
        Participant.objects.filter(session=session).delete()
        outcomes = _race(
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
    _race(
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
