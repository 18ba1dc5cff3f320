"""A small edition ready to schedule: 3 buyers with planned contracts, 6 retained companies."""

from dataclasses import dataclass

import pytest

from companies.enums import RegistrationStatus
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

# Works: painting (45442100), joinery (45421000); cleaning (90910000); catering (55520000).
CODES = ["45442100", "45421000", "90910000", "55520000", "45000000"]


@dataclass
class Small:
    edition: object
    buyers: list
    participations: list
    companies: list
    registrations: list
    contracts: list


@pytest.fixture
def small(db) -> Small:
    for code in CODES:
        CpvCodeFactory(code=code)
    edition = EditionFactory(year=2031, slot_count=4, max_meetings_per_buyer=3)
    participations = [BuyerParticipationFactory(edition=edition) for _ in range(3)]
    buyers = [p.organisation for p in participations]
    contracts = [
        PlannedContractFactory(
            organisation=buyers[0], year=2031, cpv_main_id="45442100", title="Peinture des écoles"
        ),
        PlannedContractFactory(
            organisation=buyers[1], year=2031, cpv_main_id="90910000", title="Nettoyage des locaux"
        ),
        PlannedContractFactory(
            organisation=buyers[2], year=2031, cpv_main_id="55520000", title="Traiteur"
        ),
        PlannedContractFactory(
            organisation=buyers[2], year=2031, cpv_main_id="45421000", title="Menuiseries"
        ),
    ]
    companies, registrations = [], []
    for code in ["45442100", "45421000", "90910000", "90910000", "55520000", "45442100"]:
        company = CompanyFactory()
        company.cpv_codes.add(code)
        companies.append(company)
        registrations.append(
            RegistrationFactory(
                edition=edition, company=company, status=RegistrationStatus.RETAINED
            )
        )
    return Small(edition, buyers, participations, companies, registrations, contracts)
