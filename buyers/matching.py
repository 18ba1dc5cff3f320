"""Relevance of a company's activity to planned contracts. No Django import.

Used by the companies' matching suggestions and by the meetings' relevance score, so that both
say the same thing for the same pair. A match keeps its reason, in French, for people to read.

CPV: two codes match when they share at least their division (2 digits); the deeper the shared
prefix, the higher the score — same division 0.25, group 0.5, class 0.75, category or more 1.0.
Keywords: words of the company's keywords found in a contract's title or description.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .cpv import cpv_shared_depth

DEPTH_SCORES = {2: 0.25, 3: 0.5, 4: 0.75}
DEPTH_NAMES = {2: "même division", 3: "même groupe", 4: "même classe"}
KEYWORD_SCORE = 0.3
KEYWORD_CAP = 0.6
STOPWORDS = frozenset(
    "a au aux avec ce ces dans de des du en et la le les leur l d un une pour par sur ou où "
    "se sa son ses qui que quoi ne pas plus tout tous toute toutes travaux services service "
    "fourniture fournitures prestation prestations marche marches".split()
)


@dataclass(frozen=True)
class ContractInfo:
    """What matching needs of a planned contract."""

    id: int
    codes: Sequence[str]  # 8-digit CPV codes: main first, then extra ones and lots'
    text: str = ""  # title and description
    label: str = ""  # "REF — title", for reasons


@dataclass
class Match:
    contract_id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    cpv_depth: int = 0
    keywords: list[str] = field(default_factory=list)


def cpv_depth_score(depth: int) -> float:
    if depth < 2:
        return 0.0
    return DEPTH_SCORES.get(depth, 1.0)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word: str) -> str:
    """A light French stemmer: plural and common endings, so "peintures" meets "peinture"."""
    for suffix in ("ements", "ement", "ations", "ation", "eurs", "eur", "es", "s", "e", "x"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    """Significant stemmed words of a text (accents folded, stopwords and short words out)."""
    tokens = re.findall(r"[a-z0-9]+", _fold(text or ""))
    return {_stem(t) for t in tokens if len(t) > 2 and t not in STOPWORDS}


def keyword_terms(keywords: str) -> dict[str, str]:
    """Stemmed word → the keyword as the company wrote it (comma/semicolon separated list)."""
    terms: dict[str, str] = {}
    for raw in re.split(r"[,;\n]", keywords or ""):
        phrase = raw.strip()
        for word in words(phrase):
            terms.setdefault(word, phrase)
    return terms


def match_contract(
    *, company_codes: Iterable[str], keywords: str, contract: ContractInfo
) -> Match | None:
    """How well a company's CPV categories and keywords fit one planned contract."""
    best_depth, best_pair = 0, None
    for own in company_codes:
        for theirs in contract.codes:
            depth = cpv_shared_depth(own, theirs)
            if own == theirs:
                depth = 8
            if depth > best_depth:
                best_depth, best_pair = depth, (own, theirs)
    score = cpv_depth_score(best_depth)
    reasons = []
    if best_pair:
        own, theirs = best_pair
        if best_depth >= 5:
            how = "même code" if own == theirs else "même catégorie"
        else:
            how = DEPTH_NAMES[best_depth]
        reasons.append(f"CPV {theirs} de « {contract.label} » : {how} que votre CPV {own}")
    terms = keyword_terms(keywords)
    found = sorted({terms[w] for w in words(contract.text) & terms.keys()})
    if found:
        score += min(KEYWORD_CAP, KEYWORD_SCORE * len(found))
        reasons.append(f"Mots-clés trouvés dans « {contract.label} » : {', '.join(found)}")
    if score <= 0:
        return None
    return Match(
        contract_id=contract.id,
        score=round(min(score, 1.5), 4),
        reasons=reasons,
        cpv_depth=best_depth,
        keywords=found,
    )


def match_contracts(
    *, company_codes: Iterable[str], keywords: str, contracts: Iterable[ContractInfo]
) -> list[Match]:
    """Every matching contract, best first."""
    codes = list(company_codes)
    matches = [
        m
        for c in contracts
        if (m := match_contract(company_codes=codes, keywords=keywords, contract=c)) is not None
    ]
    return sorted(matches, key=lambda m: (-m.score, m.contract_id))
