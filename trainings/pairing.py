"""Co-contracting workshop: which companies to introduce to each other, and why. No Django.

Two companies open to co-contracting or subcontracting are proposed to each other when they
target the same planned contract (both wished it, or matching says it fits both), preferring
contracts too large for a small company alone (amount, lots) and companies whose activities are
complementary (different CPV divisions). Each company gets at most ``per_company`` partners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

LARGE_AMOUNT = 200_000  # € HT: above this, a contract is "large" for a very small company
PER_COMPANY = 3


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    codes: tuple[str, ...]  # CPV codes (8 digits)
    wished: frozenset[int] = frozenset()  # planned contract ids the company wished
    matched: frozenset[int] = frozenset()  # planned contract ids matching its activity


@dataclass(frozen=True)
class ContractBrief:
    id: int
    label: str  # "REF — title"
    amount: float | None = None
    lots: int = 0

    @property
    def large(self) -> bool:
        return (self.amount or 0) >= LARGE_AMOUNT or self.lots >= 2


@dataclass
class Proposal:
    company_a: int
    company_b: int
    contract_id: int
    score: float
    kind: str  # "shared_wish" | "shared_match"
    complementary: bool
    reasons: list[str] = field(default_factory=list)


def divisions(codes) -> set[str]:
    return {c[:2] for c in codes if c}


def _reasons(a: Candidate, b: Candidate, contract: ContractBrief, kind: str, comp: bool):
    how = (
        "vous l'avez tous deux choisi dans vos souhaits"
        if kind == "shared_wish"
        else "il correspond à vos deux activités"
    )
    reasons = [f"Marché visé en commun : « {contract.label} » ({how})."]
    if contract.large:
        size = []
        if contract.amount:
            size.append(f"environ {contract.amount:,.0f} € HT".replace(",", " "))
        if contract.lots >= 2:
            size.append(f"{contract.lots} lots")
        reasons.append(f"Marché important ({', '.join(size)}) : plus accessible à plusieurs.")
    if comp:
        reasons.append(
            "Activités complémentaires (divisions CPV "
            f"{', '.join(sorted(divisions(a.codes)))} et {', '.join(sorted(divisions(b.codes)))})."
        )
    return reasons


def propose(
    *,
    candidates: list[Candidate],
    contracts: dict[int, ContractBrief],
    per_company: int = PER_COMPANY,
    exclude: set[tuple[int, int]] | None = None,
) -> list[Proposal]:
    """Best pairs first; each pair once (lower id first), each company in at most
    ``per_company`` pairs; ``exclude`` pairs (already proposed or refused) are skipped."""
    exclude = exclude or set()
    best: dict[tuple[int, int], Proposal] = {}
    for a, b in combinations(sorted(candidates, key=lambda c: c.id), 2):
        if (a.id, b.id) in exclude:
            continue
        comp = bool(divisions(a.codes)) and not (divisions(a.codes) & divisions(b.codes))
        for contract_id in (a.wished | a.matched) & (b.wished | b.matched):
            contract = contracts.get(contract_id)
            if contract is None:
                continue
            kind = (
                "shared_wish"
                if contract_id in a.wished and contract_id in b.wished
                else "shared_match"
            )
            score = (2.0 if kind == "shared_wish" else 1.0) + (1.0 if contract.large else 0.0)
            score += 0.5 if comp else 0.0
            current = best.get((a.id, b.id))
            if current is None or (score, -contract_id) > (current.score, -current.contract_id):
                best[(a.id, b.id)] = Proposal(
                    company_a=a.id,
                    company_b=b.id,
                    contract_id=contract_id,
                    score=score,
                    kind=kind,
                    complementary=comp,
                    reasons=_reasons(a, b, contract, kind, comp),
                )
    chosen, count = [], {}
    for proposal in sorted(best.values(), key=lambda p: (-p.score, p.company_a, p.company_b)):
        if count.get(proposal.company_a, 0) >= per_company:
            continue
        if count.get(proposal.company_b, 0) >= per_company:
            continue
        chosen.append(proposal)
        count[proposal.company_a] = count.get(proposal.company_a, 0) + 1
        count[proposal.company_b] = count.get(proposal.company_b, 0) + 1
    return chosen
