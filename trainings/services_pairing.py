"""Co-contracting workshop writes: propose pairings for an edition, publish them with tables.

The planned contracts a company "targets" are the ones it wished and the ones matching
(``buyers.matching``) says fit its activity; the call to matching is isolated in
``matched_contract_ids`` so that a change of the matching module touches one function.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q

from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.core.stamps import stamp_bump
from ellipse.editions.models import Edition

from .enums import PairingStatus
from .models import Pairing
from .pairing import Candidate, ContractBrief, propose
from .selectors import PAIRINGS_STAMP

MATCH_THRESHOLD = 0.5


def matched_contract_ids(*, codes: list[str], keywords: str, contracts: list) -> set[int]:
    """Planned contracts matching says fit the company (score at least ``MATCH_THRESHOLD``)."""
    from buyers.matching import match_contracts

    return {
        m.contract_id
        for m in match_contracts(company_codes=codes, keywords=keywords, contracts=contracts)
        if m.score >= MATCH_THRESHOLD
    }


def _contracts(edition: Edition):
    from buyers.selectors import contract_info, published_planned_contracts

    contracts = list(
        published_planned_contracts(year=edition.year)
        .prefetch_related("cpv_extra", "lots")
        .annotate(lot_count=Count("lots", distinct=True))
    )
    infos = [contract_info(c) for c in contracts]
    briefs = {
        c.pk: ContractBrief(
            id=c.pk,
            label=f"{c.reference} — {c.title}",
            amount=float(c.estimated_amount) if c.estimated_amount is not None else None,
            lots=c.lot_count,
        )
        for c in contracts
    }
    return infos, briefs


def edition_candidates(*, edition: Edition, infos: list) -> list[Candidate]:
    """Companies of the edition open to co-contracting or subcontracting."""
    registrations = (
        Registration.objects.filter(edition=edition)
        .filter(Q(wants_cocontracting=True) | Q(wants_subcontracting=True))
        .exclude(status=RegistrationStatus.NOT_RETAINED)
        .select_related("company")
        .prefetch_related("company__cpv_codes", "wishes")
        .order_by("company_id")
    )
    candidates = []
    for registration in registrations:
        company = registration.company
        codes = [c.pk for c in company.cpv_codes.all()]
        wished = {w.planned_contract_id for w in registration.wishes.all() if w.planned_contract_id}
        candidates.append(
            Candidate(
                id=company.pk,
                name=company.legal_name,
                codes=tuple(codes),
                wished=frozenset(wished),
                matched=frozenset(
                    matched_contract_ids(codes=codes, keywords=company.keywords, contracts=infos)
                ),
            )
        )
    return candidates


@transaction.atomic
def pairings_propose(*, edition_id: int) -> list[Pairing]:
    """Add proposals for the edition; pairs already proposed, published or rejected are kept
    as staff left them (running it again only adds new pairs)."""
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    infos, briefs = _contracts(edition)
    existing = set(
        Pairing.objects.filter(edition=edition).values_list("company_a_id", "company_b_id")
    )
    proposals = propose(
        candidates=edition_candidates(edition=edition, infos=infos),
        contracts=briefs,
        exclude=existing,
    )
    stamp_bump(PAIRINGS_STAMP)  # bulk_create: no signal
    return Pairing.objects.bulk_create(
        [
            Pairing(
                edition=edition,
                company_a_id=p.company_a,
                company_b_id=p.company_b,
                planned_contract_id=p.contract_id,
                reasons=p.reasons,
                score=p.score,
            )
            for p in proposals
        ]
    )


@transaction.atomic
def pairings_publish(*, pairing_ids: list[int]) -> int:
    """Publish pairings; one without a table gets the next free number of its edition."""
    pairings = list(
        Pairing.objects.select_for_update().filter(pk__in=pairing_ids).order_by("-score", "pk")
    )
    for pairing in pairings:
        if not pairing.table:
            used = set(
                Pairing.objects.filter(edition_id=pairing.edition_id)
                .exclude(table="")
                .values_list("table", flat=True)
            )
            number = 1
            while f"C{number}" in used:
                number += 1
            pairing.table = f"C{number}"
        pairing.status = PairingStatus.PUBLISHED
        pairing.save(update_fields=["table", "status", "updated_at"])
    return len(pairings)


@transaction.atomic
def pairings_reject(*, pairing_ids: list[int]) -> int:
    stamp_bump(PAIRINGS_STAMP)  # update(): no signal
    return Pairing.objects.filter(pk__in=pairing_ids).update(status=PairingStatus.REJECTED)
