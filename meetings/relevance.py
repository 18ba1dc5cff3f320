"""Relevance of each (buyer, company) pair of an edition, with the reasons that justify it.

A pair is a candidate only when something justifies it: a planned contract of the buyer that
matches the company's CPV categories or keywords (a CPV division shared and nothing else is a
weak hint, not a match: ``buyers.matching.is_match``), or a wish (the company's, or the buyer's
"must meet"). A buyer's "won't meet" removes the pair. Policy bonuses (ESS, TPE and artisans,
the 9 communes, mutual wishes) are added to candidates only, so they never create a meeting on
their own. Scores are sums of non-negative terms, hence never negative. A company is a
candidate with at most its ``CANDIDATE_BUYERS`` best-matching buyers, plus every buyer wished
for on either side.

Contract matches come from the one rule of ``buyers.matching`` through
``companies.suggestions.companies_matches`` (contracts indexed once, companies scored in bulk,
PostgreSQL's full-text hits for all companies at once), so a pair is explained the same way on
the staff suggestions and on agendas. Reasons are data (see ``meetings.reasons``), rendered
where they are shown.

Everything is computed in a bounded number of queries for a whole edition (no query per pair).
Requests do not call this: a task stores the result (``services.relevance``) and pages read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from buyers.matching import GroupedIndex, match_reasons
from buyers.models import BuyerParticipation, PlannedContract
from companies.enums import RegistrationStatus
from companies.models import Registration, Wish
from companies.suggestions import company_infos, edition_contracts, fulltext_hits
from ellipse.core.bulk import collection_paused

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
#: Buyers a company is a candidate with through its matching contracts alone: its best ones
#: (wished and "must meet" pairs come on top, whatever their number). Bounds the pairs stored
#: and given to the solver at a region's size (a company rarely gets more than a few meetings).
CANDIDATE_BUYERS = 10


class WishRow(NamedTuple):
    """What relevance reads of a company's wish."""

    organisation_id: int
    planned_contract_id: int | None
    reference: str | None


@dataclass
class PairRelevance:
    buyer_id: int
    company_id: int
    score: float = 0.0
    reasons: list[dict] = field(default_factory=list)
    must_meet: bool = False


@dataclass
class EditionRelevance:
    """Candidate pairs keyed by (buyer id, company id); excluded pairs (buyer won't meet).

    ``stale``: read from stored scores whose inputs have changed since (a refresh is queued)."""

    pairs: dict[tuple[int, int], PairRelevance]
    excluded: set[tuple[int, int]]
    stale: bool = False


def edition_relevance_compute(
    *,
    edition,
    buyer_ids: list[int] | None = None,
    company_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EditionRelevance:
    """Relevance of every pair (participating buyer, retained company) of ``edition``.

    ``buyer_ids`` / ``company_ids`` restrict the computation (e.g. one pair for a manual add);
    the companies are then taken among the retained ones only. ``progress(done, total)`` is
    called as companies are scored (every ``PROGRESS_EVERY`` and at the end)."""
    with collection_paused():
        return _compute(
            edition=edition, buyer_ids=buyer_ids, company_ids=company_ids, progress=progress
        )


#: Companies scored between two calls of ``progress``.
PROGRESS_EVERY = 500


def _compute(*, edition, buyer_ids, company_ids, progress) -> EditionRelevance:
    participations = BuyerParticipation.objects.filter(edition=edition)
    if buyer_ids is not None:
        participations = participations.filter(organisation_id__in=buyer_ids)
    buyers = set(participations.values_list("organisation_id", flat=True))
    retained = Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
    if company_ids is not None:
        retained = retained.filter(company_id__in=company_ids)
    registrations = list(
        retained.select_related("company").only(
            "company_id", "company__ess_status", "company__size_class", "company__is_local"
        )
    )
    wishes_of: dict[int, list[WishRow]] = defaultdict(list)
    for registration_id, *row in Wish.objects.filter(
        registration__in=retained.values("pk")
    ).values_list(
        "registration_id", "organisation_id", "planned_contract_id", "planned_contract__reference"
    ):
        wishes_of[registration_id].append(WishRow(*row))
    contracts = edition_contracts(edition=edition, buyer_ids=list(buyers))
    by_reference = sorted(contracts.meta, key=lambda pk: (contracts.meta[pk][0], pk))
    references = {pk: reference for pk, (reference, _buyer) in contracts.meta.items()}
    grouped = GroupedIndex(
        contracts.index,
        group_of={pk: buyer_id for pk, (_reference, buyer_id) in contracts.meta.items()},
        rank={pk: i for i, pk in enumerate(by_reference)},
    )
    infos = company_infos(r.company_id for r in registrations)
    extra = fulltext_hits(
        contract_ids=contracts.infos,
        keywords_by_company={i.id: i.keywords for i in infos.values() if i.keywords},
    )
    must_by_company: dict[int, set[int]] = defaultdict(set)
    excluded: set[tuple[int, int]] = set()
    for buyer_id, company_id, kind in BuyerPreference.objects.filter(
        edition=edition,
        buyer_id__in=participations.values("organisation_id"),
        company_id__in=retained.values("company_id"),
    ).values_list("buyer_id", "company_id", "kind"):
        if kind == BuyerPreferenceKind.WONT_MEET:
            excluded.add((buyer_id, company_id))
        elif kind == BuyerPreferenceKind.MUST_MEET:
            must_by_company[company_id].add(buyer_id)
    pairs: dict[tuple[int, int], PairRelevance] = {}
    total = len(registrations)
    for done, registration in enumerate(registrations, start=1):
        company = registration.company
        wishes_by_buyer: dict[int, list] = defaultdict(list)
        for wish in wishes_of[registration.pk]:
            if wish.organisation_id in buyers:
                wishes_by_buyer[wish.organisation_id].append(wish)
        must = must_by_company.get(company.pk, set())
        kept = wishes_by_buyer.keys() | must
        terms_by_buyer = grouped.top(
            infos[company.pk],
            top=REASON_CONTRACTS,
            phrase_hits=extra.phrases(company.pk),
            best_groups=CANDIDATE_BUYERS,
            group_score=_contract_score,
            keep=kept,
        )
        for buyer_id in terms_by_buyer.keys() | kept:
            key = (buyer_id, company.pk)
            if key in excluded:
                continue
            pairs[key] = _pair(
                edition=edition,
                buyer_id=buyer_id,
                company=company,
                terms=terms_by_buyer.get(buyer_id, ([], 0)),
                references=references,
                wishes=wishes_by_buyer.get(buyer_id, []),
                must_meet=buyer_id in must,
            )
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return EditionRelevance(pairs=pairs, excluded=excluded)


def _contract_score(best: float, count: int) -> float:
    """What a buyer's matching contracts add to a pair: the best one's score, plus a little for
    each further one. A company's candidate buyers are its best by this (ties shared out by
    ``buyers.matching.tie_order``); policy bonuses are the same for every buyer of a company,
    so they are also its best by final score."""
    if not count:
        return 0.0
    return best + EXTRA_CONTRACT_SCORE * min(EXTRA_CONTRACTS, count - 1)


def _policy(name: str) -> dict:
    return {"kind": ReasonKind.POLICY.value, "policy": name}


def _pair(*, edition, buyer_id, company, terms, references, wishes, must_meet) -> PairRelevance:
    """``terms``: (the buyer's best matching contracts, how many match)."""
    result = PairRelevance(buyer_id=buyer_id, company_id=company.pk, must_meet=must_meet)
    score = 0.0
    best, count = terms
    if count:
        score += _contract_score(best[0].score, count)
        for match in best[:REASON_CONTRACTS]:
            result.reasons += match_reasons(match, reference=references[match.contract_id])
        if count > REASON_CONTRACTS:
            result.reasons.append(
                {"kind": ReasonKind.MORE_CONTRACTS.value, "count": count - REASON_CONTRACTS}
            )
    contract_wishes = [w for w in wishes if w.planned_contract_id]
    if contract_wishes:
        score += COMPANY_WISH_CONTRACT
        for wish in contract_wishes:
            result.reasons.append(
                {
                    "kind": ReasonKind.COMPANY_WISH.value,
                    "contract_id": wish.planned_contract_id,
                    "reference": wish.reference,
                }
            )
    elif wishes:
        score += COMPANY_WISH_BUYER
        result.reasons.append({"kind": ReasonKind.COMPANY_WISH.value, "contract_id": None})
    if must_meet:
        score += BUYER_MUST_MEET
        result.reasons.append({"kind": ReasonKind.BUYER_WISH.value})
        if wishes and edition.weight_mutual_wish > 0:
            score += edition.weight_mutual_wish
            result.reasons.append(_policy("mutual"))
    if company.is_ess and edition.weight_ess > 0:
        score += edition.weight_ess
        result.reasons.append(_policy("ess"))
    if company.is_small and edition.weight_small > 0:
        score += edition.weight_small
        result.reasons.append(_policy("small"))
    if company.is_local and edition.weight_local > 0:
        score += edition.weight_local
        result.reasons.append(_policy("local"))
    result.score = round(max(0.0, score), 4)
    return result


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
