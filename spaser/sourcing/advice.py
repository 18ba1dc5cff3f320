"""Advice on one planned contract, from the local supply that matches it. No Django import.

Never an order: each piece of advice says what it suggests and the figures behind it, for the
buyer to weigh. The thresholds come from settings (``SOURCING_*``, see docs/sourcing.md) and are
passed in as ``Thresholds``; ``python -m spaser.sourcing.advice`` prints the defaults.
"""

from dataclasses import dataclass, field
from decimal import Decimal

RESERVE = "reserve"
SPLIT = "split"
INSERTION_CLAUSE = "insertion_clause"
ENVIRONMENT = "environment"
FEW_SUPPLIERS = "few_suppliers"


@dataclass(frozen=True)
class Thresholds:
    reserve_min_suppliers: int = 3  # matching SIAE, or matching EA/ESAT, to suggest reserving
    split_min_amount: Decimal = Decimal("200000")  # € HT above which splitting is worth a look
    split_small_share: float = 0.5  # share of small matching suppliers (TPE, artisans) above which
    insertion_min_amount: Decimal = Decimal("40000")  # € HT above which an insertion clause fits
    few_suppliers: int = 3  # fewer matching local suppliers than this: warn


@dataclass(frozen=True)
class LineFacts:
    """A forecast line and the local suppliers matching it, counted."""

    amount: Decimal | None
    reserved: bool  # already reserved (SIAE, EA/ESAT or ESS)
    has_lots: bool
    social_clause: bool
    environmental: bool
    matching: int  # consenting local suppliers that match
    matching_siae: int
    matching_ea_esat: int
    matching_small: int


@dataclass(frozen=True)
class Advice:
    kind: str
    text: str  # French sentence, the suggestion
    figures: dict[str, str] = field(default_factory=dict)  # label → value, what it rests on


def _euros(amount: Decimal) -> str:
    return f"{amount:,.0f} € HT".replace(",", "\u202f")


def line_advice(*, facts: LineFacts, thresholds: Thresholds = Thresholds()) -> list[Advice]:
    """Every piece of advice that applies to the line, in a stable order."""
    out: list[Advice] = []
    t = thresholds
    if not facts.reserved and (
        facts.matching_siae >= t.reserve_min_suppliers
        or facts.matching_ea_esat >= t.reserve_min_suppliers
    ):
        whom = "des SIAE" if facts.matching_siae >= facts.matching_ea_esat else "des EA et ESAT"
        out.append(
            Advice(
                RESERVE,
                f"Envisager de réserver le marché, ou un lot, à {whom} : l'offre locale existe.",
                {
                    "SIAE locales correspondantes": str(facts.matching_siae),
                    "EA/ESAT locaux correspondants": str(facts.matching_ea_esat),
                    "Seuil": str(t.reserve_min_suppliers),
                },
            )
        )
    if (
        facts.amount is not None
        and facts.amount >= t.split_min_amount
        and not facts.has_lots
        and facts.matching
        and facts.matching_small / facts.matching >= t.split_small_share
    ):
        share = round(100 * facts.matching_small / facts.matching)
        out.append(
            Advice(
                SPLIT,
                "Envisager un allotissement plus fin : le montant est élevé et les fournisseurs "
                "locaux correspondants sont surtout de petites structures.",
                {
                    "Montant estimé": _euros(facts.amount),
                    "Petites structures parmi les correspondants": f"{share} %",
                    "Seuils": f"{_euros(t.split_min_amount)}, {round(100 * t.split_small_share)} %",
                },
            )
        )
    if (
        facts.amount is not None
        and facts.amount > t.insertion_min_amount
        and not facts.social_clause
        and not facts.reserved
    ):
        out.append(
            Advice(
                INSERTION_CLAUSE,
                "Ajouter une clause sociale d'insertion : le SPASER la prévoit au-delà du seuil "
                "et aucune considération sociale n'est prévue.",
                {
                    "Montant estimé": _euros(facts.amount),
                    "Seuil": _euros(t.insertion_min_amount),
                },
            )
        )
    if not facts.environmental:
        out.append(
            Advice(
                ENVIRONMENT,
                "Ajouter une considération environnementale : le SPASER vise 100 % des marchés.",
                {"Considération environnementale prévue": "non"},
            )
        )
    if facts.matching < t.few_suppliers:
        out.append(
            Advice(
                FEW_SUPPLIERS,
                "Peu de fournisseurs locaux correspondent : un sourçage ciblé ou une formation "
                "avant la convention peut élargir l'offre.",
                {
                    "Fournisseurs locaux correspondants": str(facts.matching),
                    "Seuil": str(t.few_suppliers),
                },
            )
        )
    return out


if __name__ == "__main__":  # pragma: no cover
    print(Thresholds())
