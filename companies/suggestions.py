"""Matching suggestions for the staff: which planned contracts of an edition fit a company.

Scores and reasons come from the one rule of ``buyers.matching``: the edition's published
contracts are indexed once (:class:`~buyers.matching.MatchIndex`), every company is scored in
bulk against the index, and on PostgreSQL the French full-text search adds keyword hits in a
bounded number of queries for all companies (:func:`fulltext_hits`). The meetings' relevance and
the sourcing directory read the same functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection

from buyers.match_reasons import match_reason_texts
from buyers.matching import (
    DEFAULT_THRESHOLD,
    CompanyInfo,
    ContractInfo,
    Match,
    MatchIndex,
    keyword_phrases,
    match_reasons,
)
from buyers.models import BuyerOrganisation, PlannedContract, PlannedContractLot
from buyers.selectors import published_planned_contracts
from ellipse.core.bulk import collection_paused
from ellipse.editions.models import Edition

from .enums import RegistrationStatus
from .models import Company, Registration

__all__ = [
    "DEFAULT_THRESHOLD",
    "edition_contracts",
    "edition_match_summaries",
    "edition_matches",
    "fulltext_hits",
]


class EditionContracts:
    """The edition's published planned contracts, read once as values (3 queries), and their
    index; the model objects are loaded only when asked for (``contracts``)."""

    def __init__(self, *, infos: dict[int, ContractInfo], meta: dict[int, tuple[str, int]], qs):
        self.infos = infos
        #: contract id → (reference, buyer id)
        self.meta = meta
        self._qs = qs
        self.index = MatchIndex.of_contracts(infos.values())

    @cached_property
    def contracts(self) -> dict[int, PlannedContract]:
        """Contract id → the contract with its buyer, extra codes and lots (4 queries)."""
        qs = self._qs.select_related("organisation").prefetch_related("cpv_extra", "lots")
        return {c.pk: c for c in qs}

    def labels(self) -> dict[int, str]:
        return {pk: info.label for pk, info in self.infos.items()}


@dataclass
class Suggestion:
    contract: PlannedContract
    match: Match
    reasons: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.match.score

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


def edition_contracts(
    *, edition: Edition, buyer_ids: Iterable[int] | None = None
) -> EditionContracts:
    """The edition's published contracts as matching reads them (``contract_info``'s codes
    order: main, extra, lots'), from values rather than model objects."""
    qs = published_contracts(edition=edition)
    if buyer_ids is not None:
        qs = qs.filter(organisation_id__in=list(buyer_ids))
    rows = list(
        qs.values_list("pk", "cpv_main_id", "title", "description", "reference", "organisation_id")
    )
    ids = [row[0] for row in rows]
    extra: dict[int, list[str]] = defaultdict(list)
    through = PlannedContract.cpv_extra.through.objects.filter(plannedcontract_id__in=ids)
    for contract_id, code in through.order_by("cpvcode_id").values_list(
        "plannedcontract_id", "cpvcode_id"
    ):
        extra[contract_id].append(code)
    lots = PlannedContractLot.objects.filter(contract_id__in=ids, cpv__isnull=False)
    for contract_id, code in lots.order_by("contract_id", "number").values_list(
        "contract_id", "cpv_id"
    ):
        extra[contract_id].append(code)
    infos, meta = {}, {}
    for pk, main, title, description, reference, buyer_id in rows:
        infos[pk] = ContractInfo(
            id=pk,
            codes=list(dict.fromkeys([main, *extra.get(pk, ())])),
            text=f"{title} {description}",
            label=f"{reference} — {title}",
        )
        meta[pk] = (reference, buyer_id)
    return EditionContracts(infos=infos, meta=meta, qs=qs)


def company_info(company: Company) -> CompanyInfo:
    """What matching needs of a company (prefetch ``cpv_codes``)."""
    return CompanyInfo(
        id=company.pk, codes=[c.pk for c in company.cpv_codes.all()], keywords=company.keywords
    )


def company_infos(company_ids: Iterable[int]) -> dict[int, CompanyInfo]:
    """Company id → what matching needs of it, read as values (2 queries)."""
    company_ids = list(company_ids)
    codes: dict[int, list[str]] = defaultdict(list)
    through = Company.cpv_codes.through.objects.filter(company_id__in=company_ids)
    for company_id, code in through.order_by("cpvcode_id").values_list("company_id", "cpvcode_id"):
        codes[company_id].append(code)
    return {
        pk: CompanyInfo(id=pk, codes=codes.get(pk, []), keywords=keywords)
        for pk, keywords in Company.objects.filter(pk__in=company_ids).values_list("pk", "keywords")
    }


class FulltextHits:
    """Full-text hits kept per phrase; a company's are put together when asked, so memory stays
    proportional to the hits, not to companies × contracts."""

    def __init__(self, contracts_by_phrase: dict[str, set[int]], phrases_by_company):
        self.contracts_by_phrase = contracts_by_phrase
        self.phrases_by_company = phrases_by_company

    def phrases(self, company_id: int) -> dict[str, set[int]]:
        """The company's phrases → the contracts where they were found (no copy per company)."""
        return {
            phrase: self.contracts_by_phrase[phrase]
            for phrase in self.phrases_by_company.get(company_id, ())
            if phrase in self.contracts_by_phrase
        }

    def get(self, company_id: int, default=None) -> dict[int, set[str]] | None:
        """Contract id → the company's phrases found there."""
        found: dict[int, set[str]] = {}
        for phrase in self.phrases_by_company.get(company_id, ()):
            for contract_id in self.contracts_by_phrase.get(phrase, ()):
                found.setdefault(contract_id, set()).add(phrase)
        return found or default


def fulltext_hits(
    *, contract_ids: Iterable[int], keywords_by_company: dict[int, str]
) -> FulltextHits:
    """For each company, contract id → its keyword phrases that PostgreSQL's French full-text
    search finds in the contract's title and description ("menuisier" meets "menuiserie"),
    through ``.get(company_id)``. Nothing on other databases.

    One query for all companies: each contract's document and each distinct phrase's query are
    built once (materialised), then matched with ``@@``."""
    contract_ids = list(contract_ids)
    phrases_by_company = {
        company_id: keyword_phrases(keywords)
        for company_id, keywords in keywords_by_company.items()
    }
    contracts_by_phrase: dict[str, list[int]] = defaultdict(list)
    phrases = sorted({p for ps in phrases_by_company.values() for p in ps})
    if connection.vendor == "postgresql" and contract_ids and phrases:
        with connection.cursor() as cursor:
            cursor.execute(FULLTEXT_SQL, [contract_ids, phrases])
            for contract_id, number in cursor.fetchall():
                contracts_by_phrase[phrases[number - 1]].append(contract_id)
    return FulltextHits(
        {phrase: set(ids) for phrase, ids in contracts_by_phrase.items()}, phrases_by_company
    )


FULLTEXT_SQL = """
WITH docs AS MATERIALIZED (
    SELECT id, to_tsvector(
        'french'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, '')
    ) AS document
    FROM buyers_plannedcontract WHERE id = ANY(%s)
), queries AS MATERIALIZED (
    SELECT number, plainto_tsquery('french'::regconfig, phrase) AS query
    FROM unnest(%s::text[]) WITH ORDINALITY AS t(phrase, number)
)
SELECT docs.id, queries.number FROM docs JOIN queries ON docs.document @@ queries.query
"""


def companies_matches(
    *, companies: Iterable[Company], contracts: EditionContracts
) -> dict[int, list[Match]]:
    """Company id → its matches among ``contracts``, best first: the index's CPV and word
    matches plus the full-text hits, for all companies at once (bounded queries)."""
    infos = [company_info(c) for c in companies]
    extra = fulltext_hits(
        contract_ids=contracts.infos,
        keywords_by_company={i.id: i.keywords for i in infos if i.keywords},
    )
    return contracts.index.bulk_matches(infos, extra=extra)


def registration_suggestions(
    *, registration: Registration, contracts: EditionContracts | None = None
) -> list[Suggestion]:
    """The planned contracts suggested for a registration, best first, with score and reasons."""
    if contracts is None:
        contracts = edition_contracts(edition=registration.edition)
    matches = companies_matches(companies=[registration.company], contracts=contracts)
    labels = contracts.labels()
    return [
        Suggestion(
            contract=contracts.contracts[m.contract_id],
            match=m,
            reasons=match_reason_texts(match_reasons(m), labels=labels, audience="staff"),
        )
        for m in matches[registration.company_id]
    ]


def edition_matches(
    *,
    edition: Edition,
    registrations: Iterable[Registration] | None = None,
    contracts: EditionContracts | None = None,
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
    registrations = list(registrations)
    by_company = companies_matches(
        companies=[r.company for r in registrations], contracts=contracts
    )
    return {r.pk: by_company[r.company_id] for r in registrations}


def edition_match_summaries(
    *,
    edition: Edition,
    registrations: Iterable[Registration],
    contracts: EditionContracts | None = None,
) -> dict[int, tuple[float, int]]:
    """Registration id → (best score, number of matching contracts), what the staff lists
    store (``Registration.match_score`` / ``match_count``): the index's fast summary, with the
    full-text hits of all companies found in a bounded number of queries."""
    with collection_paused():
        return _match_summaries(edition=edition, registrations=registrations, contracts=contracts)


def _match_summaries(*, edition, registrations, contracts) -> dict[int, tuple[float, int]]:
    if contracts is None:
        contracts = edition_contracts(edition=edition)
    registrations = list(registrations)
    infos = company_infos({r.company_id for r in registrations})
    extra = fulltext_hits(
        contract_ids=contracts.infos,
        keywords_by_company={i.id: i.keywords for i in infos.values() if i.keywords},
    )
    summaries = {
        company_id: contracts.index.summary(info, phrase_hits=extra.phrases(company_id))
        for company_id, info in infos.items()
    }
    return {r.pk: summaries[r.company_id] for r in registrations}


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
        edition=edition, registrations=registrations, contracts=contracts
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
