"""A regional-size edition seeded in bulk: N planned contracts, M retained companies, B buyers.

Contracts and companies draw from the demo's activities (their CPV code, or a code of the same
division, and their words), so matches are as dense as in the demo. Reusable by benchmarks:
``seed_regional(contracts=10_000, registrations=5_000, buyers=200)`` returns the edition
(a new one, or ``edition=`` an existing one, e.g. the demo's).
"""

from __future__ import annotations

import random
from decimal import Decimal


def seed_regional(*, contracts: int, registrations: int, buyers: int, seed: int = 14, edition=None):
    from buyers.demo import ACTIVITIES, seed_cpv
    from buyers.enums import ContractStatus, OrganisationKind, Visibility
    from buyers.models import BuyerOrganisation, BuyerParticipation, CpvCode, PlannedContract
    from companies.enums import RegistrationStatus, SizeClass
    from companies.models import Company, Registration
    from tests.factories import EditionFactory

    rng = random.Random(seed)
    seed_cpv()
    by_division: dict[str, list[str]] = {}
    for code in CpvCode.objects.values_list("code", flat=True):
        by_division.setdefault(code[:2], []).append(code)
    edition = edition or EditionFactory(year=2035, slot_count=12)

    def code_of(activity) -> str:
        same = by_division.get(activity[2][:2], [activity[2]])
        return activity[2] if rng.random() < 0.6 else rng.choice(same)

    orgs = BuyerOrganisation.objects.bulk_create(
        BuyerOrganisation(
            name=f"Acheteur régional {i:04d}",
            kind=OrganisationKind.COMMUNE,
            siret=f"{21000000000000 + i:014d}",
        )
        for i in range(buyers)
    )
    BuyerParticipation.objects.bulk_create(
        BuyerParticipation(edition=edition, organisation=o, max_meetings=12) for o in orgs
    )
    rows = []
    for i in range(contracts):
        activity = rng.choice(ACTIVITIES)
        rows.append(
            PlannedContract(
                organisation=orgs[i % buyers],
                year=edition.year,
                reference=f"R-{i:05d}",
                title=f"{activity[1]} — lot {i % 7 + 1}",
                description=f"{activity[1]}. {activity[5]}.",
                cpv_main_id=code_of(activity),
                estimated_amount=Decimal(rng.randint(*activity[3]) * 1000),
                publication_quarter=rng.randint(1, 4),
                visibility=Visibility.PUBLISHED,
                status=ContractStatus.PUBLISHED,
            )
        )
    PlannedContract.objects.bulk_create(rows, batch_size=2000)
    companies = []
    for j in range(registrations):
        activities = rng.sample(ACTIVITIES, rng.randint(1, 3))
        companies.append(
            Company(
                siret=f"{90000000000000 + j:014d}",
                legal_name=f"Entreprise {j:05d} {activities[0][4]}",
                size_class=rng.choice(list(SizeClass.values)),
                commune="Montreuil",
                postal_code="93100",
                is_local=rng.random() < 0.5,
                contact_name="Contact",
                contact_email=f"c{j}@example.org",
                keywords=", ".join(activities[0][5].split(", ")[: rng.randint(1, 4)]),
            )
        )
        companies[-1]._codes = {code_of(a) for a in activities}
    Company.objects.bulk_create(companies, batch_size=2000)
    Through = Company.cpv_codes.through
    Through.objects.bulk_create(
        (Through(company_id=c.pk, cpvcode_id=code) for c in companies for code in c._codes),
        batch_size=5000,
    )
    Registration.objects.bulk_create(
        (
            Registration(edition=edition, company=c, status=RegistrationStatus.RETAINED)
            for c in companies
        ),
        batch_size=2000,
    )
    return edition
