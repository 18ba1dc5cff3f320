"""A published schedule built with the factories: used by the tests and the benchmarks."""

import datetime as dt
import random

from companies.enums import EssStatus, SizeClass
from ellipse.editions.enums import EditionStatus
from meetings.enums import MeetingStatus
from tests.factories import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    BuyerParticipationFactory,
    CompanyFactory,
    CpvCodeFactory,
    EditionFactory,
    MeetingFactory,
    PlannedContractFactory,
    RegistrationFactory,
)


def published_schedule(
    *, buyers: int = 3, companies: int = 5, per_buyer: int = 3, year: int = 2031, seed: int = 1
):
    """An edition whose schedule is published: each buyer meets ``per_buyer`` companies (one per
    slot), each meeting justified by one of the buyer's planned contracts."""
    rng = random.Random(seed)
    edition = EditionFactory(
        year=year,
        date=dt.date(year, 4, 10),
        status=EditionStatus.SCHEDULE_PUBLISHED,
        venue="Hôtel de territoire d'Est Ensemble",
        venue_address="100 avenue Gaston-Roussel, 93230 Romainville",
        access_info="Métro 11 Romainville – Carnot.",
        afternoon_programme="Ateliers : clauses sociales ; répondre en groupement.",
        welcome_minutes=30,
        breaks=[{"after_slot": 4, "minutes": 10}],
    )
    cpv = [CpvCodeFactory(code=c) for c in ("45000000", "90910000", "79340000")]
    company_rows = []
    for index in range(companies):
        company = CompanyFactory(
            legal_name=f"Entreprise {index:03d} SARL",
            size_class=rng.choice([SizeClass.MICRO, SizeClass.PME, SizeClass.ARTISAN]),
            ess_status=rng.choice([EssStatus.NONE, EssStatus.SIAE, EssStatus.SCOP]),
            description="Travaux de peinture et de second œuvre, nettoyage de locaux.",
            references="Mairie de Bondy (2023), bailleur social Seine-Saint-Denis Habitat.",
        )
        company.cpv_codes.add(rng.choice(cpv))
        RegistrationFactory(edition=edition, company=company, retained=True)
        company_rows.append(company)
    buyer_rows = []
    load = {c.pk: set() for c in company_rows}  # slots already taken per company
    for index in range(buyers):
        buyer = BuyerOrganisationFactory(name=f"Acheteur {index:02d}")
        BuyerParticipationFactory(edition=edition, organisation=buyer, table=f"Table {index + 1}")
        BuyerMembershipFactory(organisation=buyer)
        contract = PlannedContractFactory(
            organisation=buyer,
            year=year,
            title=f"Entretien des bâtiments lot {index}",
            estimated_amount=120000 + index,
            publication_quarter=1 + index % 4,
        )
        buyer_rows.append(buyer)
        met = set()
        for slot in range(min(per_buyer, edition.slot_count)):
            free = [c for c in company_rows if c.pk not in met and slot not in load[c.pk]]
            if not free:
                continue
            # The least-booked company first, so that every company gets a meeting.
            company = min(free, key=lambda c: (len(load[c.pk]), (c.pk + index) % len(free)))
            met.add(company.pk)
            load[company.pk].add(slot)
            MeetingFactory(
                edition=edition,
                buyer=buyer,
                company=company,
                slot=slot,
                status=MeetingStatus.PUBLISHED,
                reasons=[
                    {
                        "kind": "cpv",
                        "text": f"Activité correspondant au marché {contract.reference}.",
                        "planned_contract_id": contract.pk,
                        "reference": contract.reference,
                        "title": contract.title,
                        "amount": str(contract.estimated_amount),
                        "quarter": contract.publication_quarter,
                    }
                ],
            )
    return edition, buyer_rows, company_rows
