"""Relevance of each (buyer, company) pair of an edition, with the reasons that justify it.

A pair is a candidate only when something justifies it: a planned contract of the buyer that
matches the company's CPV categories or keywords, or a wish (the company's, or the buyer's
"must meet"). A buyer's "won't meet" removes the pair. Policy bonuses (ESS, TPE and artisans,
the 9 communes, mutual wishes) are added to candidates only, so they never create a meeting on
their own. Scores are sums of non-negative terms, hence never negative.

CPV and keyword matches come from the pure ``buyers.matching`` so that a pair is explained the
same way on the catalogue and on agendas. On PostgreSQL the keyword matches also use the
full-text search with the French configuration (stemming of the real language: "menuisier"
meets "menuiserie"); on SQLite ``buyers.matching`` alone decides.

Everything is computed in a bounded number of queries for a whole edition (no query per pair).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q

from buyers.matching import (
    KEYWORD_CAP,
    KEYWORD_SCORE,
    ContractInfo,
    cpv_depth_score,
    keyword_terms,
    match_contract,
    words,
)
from buyers.models import BuyerParticipation, PlannedContract
from buyers.selectors import contract_info, published_planned_contracts
from companies.enums import RegistrationStatus
from companies.models import Registration, Wish

from .enums import BuyerPreferenceKind, ReasonKind
from .models import BuyerPreference

#: Each further matching contract of the same buyer adds this much (up to EXTRA_CONTRACTS).
EXTRA_CONTRACT_SCORE = 0.1
EXTRA_CONTRACTS = 3
#: Planned contracts named in a pair's reasons.
REASON_CONTRACTS = 3
COMPANY_WISH_BUYER = 0.3
COMPANY_WISH_CONTRACT = 0.5
BUYER_MUST_MEET = 1.0
#: Keyword phrases tested per full-text query (PostgreSQL).
FTS_CHUNK = 80


@dataclass
class PairRelevance:
    buyer_id: int
    company_id: int
    score: float = 0.0
    reasons: list[dict] = field(default_factory=list)
    must_meet: bool = False


@dataclass
class EditionRelevance:
    """Candidate pairs keyed by (buyer id, company id); excluded pairs (buyer won't meet)."""

    pairs: dict[tuple[int, int], PairRelevance]
    excluded: set[tuple[int, int]]


def _contract_reason(contract: PlannedContract, kind: str, text: str) -> dict:
    return {
        "kind": kind,
        "text": text,
        "planned_contract_id": contract.pk,
        "reference": contract.reference,
        "title": contract.title,
        "amount": str(contract.estimated_amount) if contract.estimated_amount is not None else None,
        "quarter": contract.publication_quarter,
    }


def _plain_reason(kind: str, text: str) -> dict:
    return {
        "kind": kind,
        "text": text,
        "planned_contract_id": None,
        "reference": "",
        "title": "",
        "amount": None,
        "quarter": None,
    }


def _contracts_by_buyer(edition, buyer_ids) -> dict[int, list[PlannedContract]]:
    contracts = (
        published_planned_contracts(year=edition.year)
        .filter(organisation_id__in=buyer_ids)
        .select_related("cpv_main")
        .prefetch_related("cpv_extra", "lots")
        .order_by("organisation_id", "reference")
    )
    result: dict[int, list[PlannedContract]] = defaultdict(list)
    for contract in contracts:
        result[contract.organisation_id].append(contract)
    return result


def _phrases(keywords: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"[,;\n]", keywords or "") if p.strip()]


def fulltext_matches(
    *, contract_ids: list[int], keywords_by_company: dict[int, str]
) -> dict[tuple[int, int], set[str]]:
    """(company id, contract id) → the company's keyword phrases found by PostgreSQL's French
    full-text search in the contract's title and description. Empty on other databases.

    One query per FTS_CHUNK distinct phrases, whatever the number of companies and contracts."""
    if connection.vendor != "postgresql" or not contract_ids:
        return {}
    from django.contrib.postgres.search import SearchQuery, SearchVector

    companies_by_phrase: dict[str, set[int]] = defaultdict(set)
    for company_id, keywords in keywords_by_company.items():
        for phrase in _phrases(keywords):
            companies_by_phrase[phrase].add(company_id)
    phrases = sorted(companies_by_phrase)
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for start in range(0, len(phrases), FTS_CHUNK):
        chunk = phrases[start : start + FTS_CHUNK]
        flags = {
            f"k{i}": ExpressionWrapper(
                Q(document=SearchQuery(phrase, config="french", search_type="plain")),
                output_field=BooleanField(),
            )
            for i, phrase in enumerate(chunk)
        }
        rows = (
            PlannedContract.objects.filter(pk__in=contract_ids)
            .annotate(document=SearchVector("title", "description", config="french"))
            .annotate(**flags)
            .values("pk", *flags)
        )
        for row in rows:
            for i, phrase in enumerate(chunk):
                if row[f"k{i}"]:
                    for company_id in companies_by_phrase[phrase]:
                        found[company_id, row["pk"]].add(phrase)
    return found


@dataclass(frozen=True)
class _Prepared:
    """Per contract or company, what ``buyers.matching`` would recompute on every call."""

    divisions: frozenset[str]
    terms: dict  # contract: {word: word}; company: stemmed word -> keyword as written


def _prepare_contract(info: ContractInfo) -> _Prepared:
    return _Prepared(frozenset(c[:2] for c in info.codes), {w: w for w in words(info.text)})


def _prepare_company(codes: list[str], keywords: str) -> _Prepared:
    return _Prepared(frozenset(c[:2] for c in codes), keyword_terms(keywords))


def _contract_terms(
    *, codes: list[str], contracts: list[PlannedContract], infos, fts, prepared, own
) -> list[tuple[float, PlannedContract, list[dict]]]:
    """(score, contract, reasons) for each matching contract of one buyer, best first.

    Same result as ``buyers.matching.match_contract`` (its CPV part is called as is; its
    keyword part is reproduced on words computed once), plus the full-text matches."""
    scored = []
    for contract in contracts:
        info = infos[contract.pk]
        ready = prepared[contract.pk]
        match = None
        if ready.divisions & own.divisions:
            cpv_only = ContractInfo(id=info.id, codes=info.codes, label=info.label)
            match = match_contract(company_codes=codes, keywords="", contract=cpv_only)
        found = {own.terms[w] for w in ready.terms.keys() & own.terms.keys()}
        found = sorted(found | fts.get(contract.pk, set()))
        if match is None and not found:
            continue
        score = cpv_depth_score(match.cpv_depth) if match else 0.0
        reasons = []
        if match is not None:
            reasons.append(_contract_reason(contract, ReasonKind.CPV, match.reasons[0]))
        if found:
            score += min(KEYWORD_CAP, KEYWORD_SCORE * len(found))
            text = f"Mots-clés trouvés dans « {info.label} » : {', '.join(found)}"
            reasons.append(_contract_reason(contract, ReasonKind.KEYWORD, text))
        if score > 0:
            scored.append((round(min(score, 1.5), 4), contract, reasons))
    scored.sort(key=lambda item: (-item[0], item[1].reference))
    return scored


def edition_relevance(
    *, edition, buyer_ids: list[int] | None = None, company_ids: list[int] | None = None
) -> EditionRelevance:
    """Relevance of every pair (participating buyer, retained company) of ``edition``.

    ``buyer_ids`` / ``company_ids`` restrict the computation (e.g. one pair for a manual add);
    the companies are then taken among the retained ones only."""
    participations = BuyerParticipation.objects.filter(edition=edition).select_related(
        "organisation"
    )
    if buyer_ids is not None:
        participations = participations.filter(organisation_id__in=buyer_ids)
    buyers = {p.organisation_id: p.organisation for p in participations}
    registrations = (
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
        .select_related("company")
        .prefetch_related(
            "company__cpv_codes",
            Prefetch("wishes", queryset=Wish.objects.select_related("planned_contract")),
        )
    )
    if company_ids is not None:
        registrations = registrations.filter(company_id__in=company_ids)
    registrations = list(registrations)
    contracts_by_buyer = _contracts_by_buyer(edition, list(buyers))
    all_contracts = [c for cs in contracts_by_buyer.values() for c in cs]
    infos = {c.pk: contract_info(c) for c in all_contracts}
    prepared = {pk: _prepare_contract(info) for pk, info in infos.items()}
    fts = fulltext_matches(
        contract_ids=list(infos),
        keywords_by_company={
            r.company_id: f"{r.company.keywords}" for r in registrations if r.company.keywords
        },
    )
    fts_by_company: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for (company_id, contract_id), phrases in fts.items():
        fts_by_company[company_id][contract_id] = phrases
    preferences = {
        (p.buyer_id, p.company_id): p.kind
        for p in BuyerPreference.objects.filter(
            edition=edition,
            buyer_id__in=list(buyers),
            company_id__in=[r.company_id for r in registrations],
        )
    }
    pairs: dict[tuple[int, int], PairRelevance] = {}
    excluded: set[tuple[int, int]] = set()
    for registration in registrations:
        company = registration.company
        codes = [c.pk for c in company.cpv_codes.all()]
        own = _prepare_company(codes, company.keywords)
        wishes_by_buyer: dict[int, list] = defaultdict(list)
        for wish in registration.wishes.all():
            wishes_by_buyer[wish.organisation_id].append(wish)
        for buyer_id, buyer in buyers.items():
            key = (buyer_id, company.pk)
            preference = preferences.get(key)
            if preference == BuyerPreferenceKind.WONT_MEET:
                excluded.add(key)
                continue
            relevance = _pair(
                edition=edition,
                buyer=buyer,
                company=company,
                terms=_contract_terms(
                    codes=codes,
                    contracts=contracts_by_buyer.get(buyer_id, []),
                    infos=infos,
                    fts=fts_by_company.get(company.pk, {}),
                    prepared=prepared,
                    own=own,
                ),
                wishes=wishes_by_buyer.get(buyer_id, []),
                must_meet=preference == BuyerPreferenceKind.MUST_MEET,
            )
            if relevance is not None:
                pairs[key] = relevance
    return EditionRelevance(pairs=pairs, excluded=excluded)


def _pair(*, edition, buyer, company, terms, wishes, must_meet) -> PairRelevance | None:
    if not terms and not wishes and not must_meet:
        return None
    result = PairRelevance(buyer_id=buyer.pk, company_id=company.pk, must_meet=must_meet)
    score = 0.0
    if terms:
        score += terms[0][0] + EXTRA_CONTRACT_SCORE * min(EXTRA_CONTRACTS, len(terms) - 1)
        for _score, _contract, reasons in terms[:REASON_CONTRACTS]:
            result.reasons += reasons
        if len(terms) > REASON_CONTRACTS:
            more = len(terms) - REASON_CONTRACTS
            result.reasons.append(
                _plain_reason(
                    ReasonKind.CPV,
                    f"Et {more} autre(s) marché(s) prévu(s) de {buyer.name} en rapport avec "
                    "votre activité.",
                )
            )
    contract_wishes = [w for w in wishes if w.planned_contract_id]
    if contract_wishes:
        score += COMPANY_WISH_CONTRACT
        for wish in contract_wishes:
            contract = wish.planned_contract
            result.reasons.append(
                _contract_reason(
                    contract,
                    ReasonKind.COMPANY_WISH,
                    f"{company} souhaite parler du marché « {contract.reference} — "
                    f"{contract.title} » de {buyer.name}.",
                )
            )
    elif wishes:
        score += COMPANY_WISH_BUYER
        result.reasons.append(
            _plain_reason(ReasonKind.COMPANY_WISH, f"{company} souhaite rencontrer {buyer.name}.")
        )
    if must_meet:
        score += BUYER_MUST_MEET
        result.reasons.append(
            _plain_reason(ReasonKind.BUYER_WISH, f"{buyer.name} souhaite rencontrer {company}.")
        )
        if wishes and edition.weight_mutual_wish > 0:
            score += edition.weight_mutual_wish
            result.reasons.append(_plain_reason(ReasonKind.POLICY, "Souhait réciproque."))
    if company.is_ess and edition.weight_ess > 0:
        score += edition.weight_ess
        result.reasons.append(
            _plain_reason(
                ReasonKind.POLICY,
                "Structure de l'économie sociale et solidaire "
                f"({company.get_ess_status_display()}).",
            )
        )
    if company.is_small and edition.weight_small > 0:
        score += edition.weight_small
        result.reasons.append(
            _plain_reason(ReasonKind.POLICY, f"{company.get_size_class_display()}.")
        )
    if company.is_local and edition.weight_local > 0:
        score += edition.weight_local
        result.reasons.append(
            _plain_reason(
                ReasonKind.POLICY,
                f"Implantée à {company.commune}, sur le territoire d'Est Ensemble.",
            )
        )
    result.score = round(max(0.0, score), 4)
    return result


RELEVANCE_CACHE_SECONDS = 600


def relevance_fingerprint(*, edition) -> str:
    """A digest of everything relevance reads for ``edition``: any change gives a new one."""
    import hashlib

    from django.db.models import Count, Max, Sum

    from buyers.models import CpvCode
    from companies.models import Company

    retained = Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
    parts = [
        edition.pk,
        edition.updated_at,
        retained.aggregate(n=Count("pk"), at=Max("updated_at"), ids=Sum("company_id")),
        Company.objects.filter(registrations__in=retained).aggregate(at=Max("updated_at")),
        Company.cpv_codes.through.objects.filter(company__registrations__in=retained).aggregate(
            n=Count("pk"), codes=Sum("id")
        ),
        BuyerParticipation.objects.filter(edition=edition).aggregate(
            n=Count("pk"), at=Max("updated_at")
        ),
        PlannedContract.objects.filter(year=edition.year).aggregate(
            n=Count("pk"), at=Max("updated_at")
        ),
        Wish.objects.filter(registration__edition=edition).aggregate(
            n=Count("pk"), at=Max("created_at"), ids=Sum("id")
        ),
        BuyerPreference.objects.filter(edition=edition).aggregate(
            n=Count("pk"), ids=Sum("id"), at=Max("created_at")
        ),
        CpvCode.objects.count(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def edition_relevance_cached(*, edition) -> EditionRelevance:
    """``edition_relevance`` kept in the cache while its inputs are unchanged: the staff grid
    reloads after every move, and relevance does not depend on where meetings are."""
    from django.core.cache import cache

    key = f"meetings:relevance:{edition.pk}:{relevance_fingerprint(edition=edition)}"
    relevance = cache.get(key)
    if relevance is None:
        relevance = edition_relevance(edition=edition)
        cache.set(key, relevance, RELEVANCE_CACHE_SECONDS)
    return relevance
