"""SPASER indicator formulas over plain records (no Django import).

The same numbers are computed in the database by ``spaser.selectors.register_indicators``;
the tests check that both agree. Definitions (also in ``docs/spaser.md``):

- a contract counts once (by ``uid``, the newest version kept), in the calendar year of its
  notification date, for its buyer SIRET;
- environmental: at least one environmental consideration other than
  « Pas de considération environnementale »; social: likewise with « Pas de considération sociale »;
- reserved: « Marché réservé » or « Concession réservée » among the social considerations;
- over 40 k€: amount HT strictly above 40,000 €; under 40 k€: strictly below 40,000 €;
- shares are fractions rounded to 4 decimals, ``None`` when the denominator is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD = Decimal("40000")
NO_SOCIAL = "Pas de considération sociale"
NO_ENVIRONMENTAL = "Pas de considération environnementale"
RESERVED = frozenset({"Marché réservé", "Concession réservée"})
DIALOGUE = "Dialogue compétitif"


@dataclass(frozen=True)
class HolderFacts:
    identifier: str
    company_id: int | None = None  # the Ellipse company with that SIRET, if any
    small: bool = False  # TPE, PME or artisan
    ess: bool = False
    ellipse: bool = False  # registered to at least one edition of the convention


@dataclass(frozen=True)
class ContractFacts:
    uid: str
    year: int
    buyer_siret: str
    amount_ht: Decimal
    social: tuple[str, ...] = ()
    environmental: tuple[str, ...] = ()
    innovative: bool | None = None
    procedure: str = ""
    modifications: int = 0
    version: str = ""
    holders: tuple[HolderFacts, ...] = field(default_factory=tuple)


def is_environmental(values: Iterable[str]) -> bool:
    return any(v and v != NO_ENVIRONMENTAL for v in values)


def is_social(values: Iterable[str]) -> bool:
    return any(v and v != NO_SOCIAL for v in values)


def is_reserved(values: Iterable[str]) -> bool:
    return any(v in RESERVED for v in values)


def share(part: int | Decimal, whole: int | Decimal) -> float | None:
    """A fraction between 0 and 1 rounded to 4 decimals, None when there is nothing to divide by."""
    if not whole:
        return None
    return round(float(Decimal(part) / Decimal(whole)), 4)


def deduplicate(contracts: Iterable[ContractFacts]) -> list[ContractFacts]:
    """One record per uid: the newest version (ties: the last seen)."""
    kept: dict[str, ContractFacts] = {}
    for contract in contracts:
        previous = kept.get(contract.uid)
        if previous is None or contract.version >= previous.version:
            kept[contract.uid] = contract
    return list(kept.values())


def compute(
    contracts: Iterable[ContractFacts], *, year: int, buyers: Iterable[str] | None = None
) -> dict:
    """Every register indicator for one year and buyers whose SIRET starts with one of
    ``buyers`` (SIRETs or SIRENs; None: all buyers)."""
    wanted = tuple(buyers) if buyers is not None else None
    rows = [
        c
        for c in deduplicate(contracts)
        if c.year == year and (wanted is None or c.buyer_siret.startswith(wanted))
    ]
    zero = Decimal("0")
    over = [c for c in rows if c.amount_ht > THRESHOLD]
    under = [c for c in rows if c.amount_ht < THRESHOLD]
    environmental = sum(1 for c in rows if is_environmental(c.environmental))
    social = sum(1 for c in rows if is_social(c.social))
    social_over = sum(1 for c in over if is_social(c.social))
    dialogue = sum(1 for c in rows if c.procedure == DIALOGUE)
    known = [c for c in rows if any(h.company_id for h in c.holders)]
    small = [c for c in known if any(h.small for h in c.holders)]
    ellipse = [c for c in rows if any(h.ellipse for h in c.holders)]
    ellipse_companies = {h.company_id for c in ellipse for h in c.holders if h.ellipse}
    amount = sum((c.amount_ht for c in rows), zero)
    known_amount = sum((c.amount_ht for c in known), zero)
    small_amount = sum((c.amount_ht for c in small), zero)
    return {
        "contracts": len(rows),
        "amount_ht": amount,
        "environmental": environmental,
        "environmental_share": share(environmental, len(rows)),
        "social": social,
        "social_share": share(social, len(rows)),
        "over_40k": len(over),
        "social_over_40k": social_over,
        "social_over_40k_share": share(social_over, len(over)),
        "reserved": sum(1 for c in rows if is_reserved(c.social)),
        "ess_contracts": sum(1 for c in rows if any(h.ess for h in c.holders)),
        "small_under_40k": sum(1 for c in under if any(h.small for h in c.holders)),
        "known_amount_ht": known_amount,
        "small_amount_ht": small_amount,
        "small_amount_share": share(small_amount, known_amount),
        "ellipse_holders": len(ellipse_companies),
        "ellipse_contracts": len(ellipse),
        "ellipse_amount_ht": sum((c.amount_ht for c in ellipse), zero),
        "ellipse_under_40k": sum(1 for c in ellipse if c.amount_ht < THRESHOLD),
        "modified": sum(1 for c in rows if c.modifications > 0),
        "dialogue": dialogue,
        "dialogue_share": share(dialogue, len(rows)),
        "innovative": sum(1 for c in rows if c.innovative),
        "innovative_amount_ht": sum((c.amount_ht for c in rows if c.innovative), zero),
    }


AMOUNT_KEYS = (
    "amount_ht",
    "known_amount_ht",
    "small_amount_ht",
    "ellipse_amount_ht",
    "innovative_amount_ht",
)
COMMAND_KEYS = (
    "year",
    "buyer",
    "contracts",
    "amount_ht",
    "environmental",
    "environmental_share",
    "social",
    "over_40k",
    "social_over_40k",
    "social_over_40k_share",
    "reserved",
    "ellipse_holders",
    "ellipse_contracts",
    "ellipse_amount_ht",
)


def as_json_ready(values: dict) -> dict:
    """Amounts as numbers with 2 decimals (euros), the rest unchanged."""
    return {
        key: (round(float(value), 2) if key in AMOUNT_KEYS and value is not None else value)
        for key, value in values.items()
    }
