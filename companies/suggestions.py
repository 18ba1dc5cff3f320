"""Matching suggestions for the staff: which planned contracts of an edition fit a company.

The scores and their French reasons come from the pure ``buyers.matching`` (same code, or a
shared division / group / class prefix, scored by depth; plus keywords), so that a pair reads
the same here, on the catalogue and on agendas. This module only gathers the data once per
edition and skips the contracts that cannot match (no shared CPV division and no shared word)
before calling ``match_contract``: the result is identical, the work is not quadratic in text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from buyers.matching import (
    KEYWORD_CAP,
    KEYWORD_SCORE,
    ContractInfo,
    Match,
    keyword_terms,
    match_contract,
    words,
)
from buyers.models import BuyerOrganisation, PlannedContract
from buyers.selectors import contract_info, published_planned_contracts
from ellipse.editions.models import Edition

from .enums import RegistrationStatus
from .models import Registration

#: Default score above which a company "matches" a contract (same group of the CPV or better).
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class EditionContracts:
    """The edition's published planned contracts, loaded once (4 queries), with indexes by CPV
    division and by word, and a cache of CPV matches per (company code, contract)."""

    infos: list[ContractInfo]
    contracts: dict[int, PlannedContract]
    divisions: dict[int, frozenset[str]]
    words: dict[int, frozenset[str]]
    by_division: dict[str, set[int]] = field(default_factory=dict)
    by_word: dict[str, set[int]] = field(default_factory=dict)
    cpv_cache: dict = field(default_factory=dict)

    def __post_init__(self):
        for contract_id, divisions in self.divisions.items():
            for division in divisions:
                self.by_division.setdefault(division, set()).add(contract_id)
        for contract_id, contract_words in self.words.items():
            for word in contract_words:
                self.by_word.setdefault(word, set()).add(contract_id)

    @property
    def by_id(self) -> dict[int, ContractInfo]:
        cached = self.cpv_cache.get("_infos")
        if cached is None:
            cached = self.cpv_cache["_infos"] = {i.id: i for i in self.infos}
        return cached


@dataclass
class Suggestion:
    contract: PlannedContract
    score: float
    reasons: list[str] = field(default_factory=list)
    cpv_depth: int = 0
    keywords: list[str] = field(default_factory=list)

    @property
    def buyer(self) -> BuyerOrganisation:
        return self.contract.organisation


def published_contracts(*, edition: Edition):
    """Planned contracts of the edition's year published to companies, neither draft nor
    abandoned, with their buyer, extra CPV codes and lots."""
    return (
        published_planned_contracts(year=edition.year)
        .select_related("organisation")
        .prefetch_related("cpv_extra", "lots")
        .order_by("organisation__name", "reference")
    )


def edition_contracts(*, edition: Edition) -> EditionContracts:
    contracts = {c.pk: c for c in published_contracts(edition=edition)}
    infos = [contract_info(c) for c in contracts.values()]
    return EditionContracts(
        infos=infos,
        contracts=contracts,
        divisions={i.id: frozenset(code[:2] for code in i.codes) for i in infos},
        words={i.id: frozenset(words(i.text)) for i in infos},
    )


def company_matches(
    *, codes: Iterable[str], keywords: str, contracts: EditionContracts, explain: bool = True
) -> list[Match]:
    """Every contract of the edition matching these CPV codes or keywords, best first.

    Same result as ``buyers.matching.match_contracts`` (a test compares them): its CPV part is
    called as is, on contracts sharing a division; its keyword part is applied to words
    computed once per contract and once per company instead of once per pair (as
    ``meetings.relevance`` does) — 5,000 companies × 300 contracts in seconds, not minutes."""
    codes = list(dict.fromkeys(codes))
    terms = keyword_terms(keywords)
    by_cpv: set[int] = set()
    for code in codes:
        by_cpv |= contracts.by_division.get(code[:2], set())
    candidates = set(by_cpv)
    for word in terms:
        candidates |= contracts.by_word.get(word, set())
    infos = contracts.by_id
    matches = []
    for contract_id in candidates:
        info = infos[contract_id]
        cpv = _cpv_match(codes, info, contracts.cpv_cache) if contract_id in by_cpv else None
        shared = contracts.words[info.id] & terms.keys()
        if cpv is None and not shared:
            continue
        found = sorted({terms[w] for w in shared}) if shared else []
        score = cpv.score if cpv else 0.0
        reasons = list(cpv.reasons) if cpv and explain else []
        if found:
            score += min(KEYWORD_CAP, KEYWORD_SCORE * len(found))
            if explain:
                reasons.append(f"Mots-clés trouvés dans « {info.label} » : {', '.join(found)}")
        matches.append(
            Match(
                contract_id=info.id,
                score=round(min(score, 1.5), 4),
                reasons=reasons,
                cpv_depth=cpv.cpv_depth if cpv else 0,
                keywords=found,
            )
        )
    return sorted(matches, key=lambda m: (-m.score, m.contract_id))


def _cpv_match(codes: list[str], info: ContractInfo, cache: dict) -> Match | None:
    """``match_contract``'s CPV part for these codes: the first code reaching the deepest
    shared prefix wins, as in ``match_contract``; each (code, contract) computed once."""
    best = None
    for code in codes:
        key = (code, info.id)
        if key not in cache:
            cpv_only = ContractInfo(id=info.id, codes=info.codes, label=info.label)
            cache[key] = match_contract(company_codes=[code], keywords="", contract=cpv_only)
        match = cache[key]
        if match is not None and (best is None or match.cpv_depth > best.cpv_depth):
            best = match
    return best


def registration_suggestions(
    *, registration: Registration, contracts: EditionContracts | None = None
) -> list[Suggestion]:
    """The planned contracts suggested for a registration, best first, with score and reasons."""
    if contracts is None:
        contracts = edition_contracts(edition=registration.edition)
    company = registration.company
    codes = [c.pk for c in company.cpv_codes.all()]
    return [
        Suggestion(
            contract=contracts.contracts[m.contract_id],
            score=m.score,
            reasons=m.reasons,
            cpv_depth=m.cpv_depth,
            keywords=m.keywords,
        )
        for m in company_matches(codes=codes, keywords=company.keywords, contracts=contracts)
    ]


def edition_matches(
    *,
    edition: Edition,
    registrations: Iterable[Registration] | None = None,
    contracts: EditionContracts | None = None,
    explain: bool = True,
) -> dict[int, list[Match]]:
    """Registration id → its matches, for the given registrations (default: all of the
    edition). A bounded number of queries whatever their number."""
    if contracts is None:
        contracts = edition_contracts(edition=edition)
    if registrations is None:
        registrations = Registration.objects.filter(edition=edition)
    if hasattr(registrations, "select_related"):
        registrations = registrations.select_related("company").prefetch_related(
            "company__cpv_codes"
        )
    return {
        r.pk: company_matches(
            codes=[c.pk for c in r.company.cpv_codes.all()],
            keywords=r.company.keywords,
            contracts=contracts,
            explain=explain,
        )
        for r in registrations
    }


@dataclass
class BuyerGap:
    """A buyer with published contracts that no selected company matches above the threshold."""

    buyer: BuyerOrganisation
    contracts: list[PlannedContract]
    best_score: float  # best score of a selected company on one of its contracts (0 if none)
    unmatched: list[PlannedContract]  # its contracts no selected company matches


SELECTED_STATUSES = (RegistrationStatus.RETAINED, RegistrationStatus.QUALIFIED)


def buyers_without_match(
    *,
    edition: Edition,
    threshold: float = DEFAULT_THRESHOLD,
    statuses: Iterable[str] = SELECTED_STATUSES,
) -> list[BuyerGap]:
    """Buyers whose published contracts no company (retained or qualified, by default)
    matches with a score at or above ``threshold``, with their best score for context.

    Also returns, for every buyer listed, which of its contracts are unmatched."""
    contracts = edition_contracts(edition=edition)
    registrations = Registration.objects.filter(edition=edition, status__in=list(statuses))
    best_by_contract: dict[int, float] = {}
    matches_by_registration = edition_matches(
        edition=edition, registrations=registrations, contracts=contracts, explain=False
    )
    for matches in matches_by_registration.values():
        for m in matches:
            if m.score > best_by_contract.get(m.contract_id, 0.0):
                best_by_contract[m.contract_id] = m.score
    by_buyer: dict[int, list[PlannedContract]] = {}
    for contract in contracts.contracts.values():
        by_buyer.setdefault(contract.organisation_id, []).append(contract)
    gaps = []
    for buyer_contracts in by_buyer.values():
        best = max((best_by_contract.get(c.pk, 0.0) for c in buyer_contracts), default=0.0)
        if best >= threshold:
            continue
        gaps.append(
            BuyerGap(
                buyer=buyer_contracts[0].organisation,
                contracts=buyer_contracts,
                best_score=best,
                unmatched=[
                    c for c in buyer_contracts if best_by_contract.get(c.pk, 0.0) < threshold
                ],
            )
        )
    return sorted(gaps, key=lambda g: (g.best_score, g.buyer.name))
