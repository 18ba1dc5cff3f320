"""A planned contract's sourcing page: the local suppliers matching it and the advice."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from buyers.enums import Reservation
from buyers.models import PlannedContract
from companies.enums import EssStatus, SizeClass
from companies.models import Company

from .advice import Advice, LineFacts, Thresholds, line_advice
from .matching import SupplierMatch, contract_matches
from .selectors import directory_companies


@dataclass
class ContractSourcing:
    contract: PlannedContract
    suppliers: list[SupplierMatch]  # consenting companies only, with their Company
    facts: LineFacts  # counted over every local company registered
    advice: list[Advice]


def thresholds() -> Thresholds:
    """The advice thresholds from settings (SOURCING_*)."""
    return Thresholds(
        reserve_min_suppliers=settings.SOURCING_RESERVE_MIN_SUPPLIERS,
        split_min_amount=Decimal(settings.SOURCING_SPLIT_MIN_AMOUNT),
        split_small_share=settings.SOURCING_SPLIT_SMALL_SHARE,
        insertion_min_amount=Decimal(settings.SOURCING_INSERTION_MIN_AMOUNT),
        few_suppliers=settings.SOURCING_FEW_SUPPLIERS,
    )


def sourcing_contract(pk: int) -> PlannedContract | None:
    return (
        PlannedContract.objects.select_related("organisation", "cpv_main")
        .prefetch_related("cpv_extra", "lots")
        .filter(pk=pk)
        .first()
    )


def contract_sourcing(*, contract: PlannedContract, limit: int = 50) -> ContractSourcing:
    """Matching local supply, counted for the advice; the consenting part listed, best first."""
    local = Company.objects.filter(is_local=True)
    matches = contract_matches(contract=contract, companies=local)
    ids = [m.company_id for m in matches]
    kinds, sizes = [], []
    for kind, size in local.filter(pk__in=ids).values_list("ess_status", "size_class"):
        kinds.append(kind)
        sizes.append(size)
    small = {SizeClass.MICRO, SizeClass.ARTISAN}
    facts = LineFacts(
        amount=contract.estimated_amount,
        reserved=contract.reservation != Reservation.NONE,
        has_lots=bool(contract.lots.all()),
        social_clause=contract.social_clause,
        environmental=contract.environmental_consideration,
        matching=len(ids),
        matching_siae=sum(1 for k in kinds if k == EssStatus.SIAE),
        matching_ea_esat=sum(1 for k in kinds if k in (EssStatus.EA, EssStatus.ESAT)),
        matching_small=sum(1 for s in sizes if s in small),
    )
    consenting = {
        c.pk: c for c in directory_companies().filter(pk__in=ids).prefetch_related("cpv_codes")
    }
    suppliers = []
    for match in matches:
        if match.company_id in consenting:
            match.company = consenting[match.company_id]
            suppliers.append(match)
            if len(suppliers) >= limit:
                break
    return ContractSourcing(
        contract=contract,
        suppliers=suppliers,
        facts=facts,
        advice=line_advice(facts=facts, thresholds=thresholds()),
    )
