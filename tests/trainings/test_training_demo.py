"""The demo's trainings: sessions past and to come, a full one with a waiting list, the demo
company registered, idempotent."""

import pytest

from ellipse.demo import demo_edition
from tests.factories import CompanyFactory
from trainings.demo import seed_trainings
from trainings.models import Participant, PastAttendance, Session
from trainings.selectors import catalogue, company_trainings, people_trained_per_year

pytestmark = pytest.mark.django_db


def test_seed_trainings_is_realistic_and_idempotent():
    import random

    for _ in range(30):
        CompanyFactory()
    company = CompanyFactory()
    edition = demo_edition()
    seed_trainings(edition=edition, rng=random.Random(1), company=company)
    counts = (Session.objects.count(), Participant.objects.count(), PastAttendance.objects.count())
    seed_trainings(edition=edition, rng=random.Random(1), company=company)
    assert (
        Session.objects.count(),
        Participant.objects.count(),
        PastAttendance.objects.count(),
    ) == counts
    assert any(s.waiting_count for s in catalogue())
    assert edition.workshops.count() == 2
    assert company_trainings(company_ids=[company.pk])[company.pk]
    assert people_trained_per_year(audience="agents")
