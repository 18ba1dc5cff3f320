"""How well a company's activity fits planned contracts. No Django import.

The one matching rule of the project, used by the companies' suggestions and match scores, the
meetings' relevance and the sourcing directory. Scores:

- CPV: the deeper the prefix a company code shares with a contract code, the higher the score;
  sharing only the division (2 digits: "construction", "services to buildings"…) is the loosest
  link and weighs least, below one keyword;
- keywords: each of the company's keyword phrases found (stemmed, accents folded) in the
  contract's title or description, plus the extra hits a caller found elsewhere (PostgreSQL's
  full-text search), capped.

A :class:`MatchIndex` is built once over contracts (or over companies) by CPV prefix and by word,
so only the items sharing a division or a word are looked at, and each is scored once: "best
contracts of a company" and "best companies of a contract" cost the same. Matches are data
(depth, codes, keywords); their sentences are written by ``buyers.match_reasons``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .cpv import cpv_prefix

#: Score of the deepest CPV prefix shared (number of digits); 5 digits (category) or more: 1.0.
DEPTH_SCORES = {2: 0.1, 3: 0.5, 4: 0.75}
FULL_DEPTH_SCORE = 1.0
#: Depth stored for two identical codes.
SAME_CODE = 8
#: Each keyword phrase found adds this much, up to KEYWORD_CAP.
KEYWORD_SCORE = 0.3
KEYWORD_CAP = 0.6
#: Highest score of one (company, contract) pair.
SCORE_CAP = 1.5
#: Default score from which a company "matches" a contract (same CPV group or better).
DEFAULT_THRESHOLD = 0.5
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


@dataclass(frozen=True)
class CompanyInfo:
    """What matching needs of a company."""

    id: int
    codes: Sequence[str]
    keywords: str = ""  # comma/semicolon separated phrases


@dataclass(frozen=True, slots=True)
class Match:
    """One (company, contract) pair that fits: score and what justifies it."""

    contract_id: int
    company_id: int | None
    score: float
    cpv_depth: int = 0  # digits shared (SAME_CODE for identical codes), 0 when none
    company_code: str = ""
    contract_code: str = ""
    keywords: tuple[str, ...] = ()  # the company's phrases found in the contract


def cpv_depth_score(depth: int) -> float:
    if depth < 2:
        return 0.0
    return DEPTH_SCORES.get(depth, FULL_DEPTH_SCORE)


def score_of(*, cpv_depth: int, keyword_count: int) -> float:
    """The pair's score from its CPV depth and number of keyword phrases found."""
    score = cpv_depth_score(cpv_depth) + min(KEYWORD_CAP, KEYWORD_SCORE * keyword_count)
    return round(min(score, SCORE_CAP), 4)


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


def keyword_phrases(keywords: str) -> list[str]:
    """The phrases of a comma/semicolon/line separated keyword list, as written."""
    return [p.strip() for p in re.split(r"[,;\n]", keywords or "") if p.strip()]


def keyword_terms(keywords: str) -> dict[str, str]:
    """Stemmed word → the keyword phrase as the company wrote it."""
    terms: dict[str, str] = {}
    for phrase in keyword_phrases(keywords):
        for word in words(phrase):
            terms.setdefault(word, phrase)
    return terms


def _shared_depth(own: str, theirs: str) -> int:
    if own == theirs:
        return SAME_CODE
    a, b = cpv_prefix(own), cpv_prefix(theirs)
    depth = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        depth += 1
    return depth if depth >= 2 else 0


def _best_cpv(company_codes: Iterable[str], contract_codes: Sequence[str]) -> tuple[int, str, str]:
    """(depth, company code, contract code) of the deepest shared prefix; first pair wins ties."""
    best = (0, "", "")
    for own in company_codes:
        for theirs in contract_codes:
            depth = _shared_depth(own, theirs)
            if depth > best[0]:
                best = (depth, own, theirs)
    return best


def match_contract(
    *, company_codes: Iterable[str], keywords: str, contract: ContractInfo, company_id=None
) -> Match | None:
    """How well a company fits one contract (the reference rule; :class:`MatchIndex` gives the
    same result for many pairs at once)."""
    depth, own, theirs = _best_cpv(company_codes, contract.codes)
    terms = keyword_terms(keywords)
    found = tuple(sorted({terms[w] for w in words(contract.text) & terms.keys()}))
    if not depth and not found:
        return None
    return Match(
        contract_id=contract.id,
        company_id=company_id,
        score=score_of(cpv_depth=depth, keyword_count=len(found)),
        cpv_depth=depth,
        company_code=own,
        contract_code=theirs,
        keywords=found,
    )


class MatchIndex:
    """Items (contracts or companies) indexed once by CPV prefix and by word.

    ``MatchIndex.of_contracts(infos).matches(company)`` scores a company against every contract;
    ``MatchIndex.of_companies(infos).matches_for_contract(contract)`` a contract against every
    company. Only items sharing a CPV division or a word are looked at."""

    def __init__(self, items: Iterable[tuple[int, Sequence[str], Mapping[str, str]]]):
        self.codes: dict[int, tuple[str, ...]] = {}
        self.terms: dict[int, Mapping[str, str]] = {}
        #: significant prefix (2 digits or more) → [(item id, its code having that prefix)]
        self.by_prefix: dict[str, list[tuple[int, str]]] = {}
        self.by_word: dict[str, list[int]] = {}
        #: division → ids of the items having a code in it (set unions run in C)
        self.by_division: dict[str, set[int]] = {}
        for item_id, codes, terms in items:
            codes = tuple(dict.fromkeys(codes))
            self.codes[item_id] = codes
            self.terms[item_id] = terms
            for code in codes:
                prefix = cpv_prefix(code)
                self.by_division.setdefault(prefix[:2], set()).add(item_id)
                for k in range(2, len(prefix) + 1):
                    self.by_prefix.setdefault(prefix[:k], []).append((item_id, code))
            for word in terms:
                self.by_word.setdefault(word, []).append(item_id)

    @classmethod
    def of_contracts(cls, contracts: Iterable[ContractInfo]) -> MatchIndex:
        return cls((c.id, c.codes, dict.fromkeys(words(c.text), "")) for c in contracts)

    @classmethod
    def of_companies(cls, companies: Iterable[CompanyInfo]) -> MatchIndex:
        return cls((c.id, c.codes, keyword_terms(c.keywords)) for c in companies)

    def __len__(self) -> int:
        return len(self.codes)

    def _cpv_hits(self, codes: Sequence[str]) -> dict[int, tuple[int, str, str]]:
        """Item id → (depth, query code, item code), deepest first, ties to the first codes."""
        hits: dict[int, tuple[int, str, str]] = {}
        for code in dict.fromkeys(codes):
            prefix = cpv_prefix(code)
            for k in range(len(prefix), 1, -1):
                for item_id, theirs in self.by_prefix.get(prefix[:k], ()):
                    depth = SAME_CODE if theirs == code else k
                    known = hits.get(item_id)
                    if known is None or depth > known[0]:
                        hits[item_id] = (depth, code, theirs)
        return hits

    def _word_hits(self, words_: Iterable[str]) -> dict[int, set[str]]:
        hits: dict[int, set[str]] = {}
        for word in words_:
            for item_id in self.by_word.get(word, ()):
                hits.setdefault(item_id, set()).add(word)
        return hits

    def matches(
        self, company: CompanyInfo, *, extra: Mapping[int, Iterable[str]] | None = None
    ) -> list[Match]:
        """Every indexed contract fitting ``company``, best first. ``extra``: contract id → more
        of the company's phrases found there (e.g. by a full-text search)."""
        terms = keyword_terms(company.keywords)
        cpv = self._cpv_hits(company.codes)
        found: dict[int, set[str]] = {
            item_id: {terms[w] for w in shared}
            for item_id, shared in self._word_hits(terms).items()
        }
        for contract_id, phrases in (extra or {}).items():
            if contract_id in self.codes:
                found.setdefault(contract_id, set()).update(phrases)
        return _build(cpv, found, contract_side=False, other_id=company.id)

    def matches_for_contract(self, contract: ContractInfo) -> list[Match]:
        """Every indexed company fitting ``contract``, best first."""
        cpv = self._cpv_hits(contract.codes)
        found = {
            item_id: {self.terms[item_id][w] for w in shared}
            for item_id, shared in self._word_hits(words(contract.text)).items()
        }
        return _build(cpv, found, contract_side=True, other_id=contract.id)

    def _split(self, company: CompanyInfo, extra):
        """(items sharing a division, item → (depth, own code, its code) of links deeper than
        a division or between identical codes, item → phrases found)."""
        terms = keyword_terms(company.keywords)
        codes = tuple(dict.fromkeys(company.codes))
        in_divisions: set[int] = set().union(
            *(self.by_division.get(cpv_prefix(c)[:2], ()) for c in codes)
        )
        deep: dict[int, tuple[int, str, str]] = {}
        for code in codes:
            prefix = cpv_prefix(code)
            for k in range(len(prefix), 2, -1):
                for item_id, theirs in self.by_prefix.get(prefix[:k], ()):
                    depth = SAME_CODE if theirs == code else k
                    if depth > deep.get(item_id, (0,))[0]:
                        deep[item_id] = (depth, code, theirs)
            if len(prefix) == 2:  # "45000000" twice: the same code
                for item_id, theirs in self.by_prefix.get(prefix, ()):
                    if theirs == code and deep.get(item_id, (0,))[0] < SAME_CODE:
                        deep[item_id] = (SAME_CODE, code, theirs)
        found: dict[int, set[str]] = {
            item_id: {terms[w] for w in shared}
            for item_id, shared in self._word_hits(terms).items()
        }
        for contract_id, phrases in (extra or {}).items():
            if contract_id in self.codes:
                found.setdefault(contract_id, set()).update(phrases)
        return in_divisions, deep, found

    def summary(
        self, company: CompanyInfo, *, extra: Mapping[int, Iterable[str]] | None = None
    ) -> tuple[float, int]:
        """(best score, number of matching contracts) of ``company``: the same as taking
        ``matches`` whole, without building a match per contract (shared divisions are counted
        by set unions; only deeper CPV links and keyword hits are looked at one by one)."""
        in_divisions, deep, found = self._split(company, extra)
        count = len(in_divisions | found.keys())
        if not count:
            return 0.0, 0
        best_depth = max((d for d, _own, _theirs in deep.values()), default=0) or (
            2 if in_divisions else 0
        )
        best = score_of(cpv_depth=best_depth, keyword_count=0)
        for item_id, phrases in found.items():
            depth = deep[item_id][0] if item_id in deep else (2 if item_id in in_divisions else 0)
            best = max(best, score_of(cpv_depth=depth, keyword_count=len(phrases)))
        return best, count

    def bulk_matches(
        self,
        companies: Iterable[CompanyInfo],
        *,
        extra: Mapping[int, Mapping[int, Iterable[str]]] | None = None,
    ) -> dict[int, list[Match]]:
        """Company id → its matches, for many companies; ``extra``: company id → contract id →
        phrases found elsewhere (one full-text query for all companies, not one each)."""
        extra = extra or {}
        return {c.id: self.matches(c, extra=extra.get(c.id)) for c in companies}


class GroupedIndex:
    """A contracts' index whose results are wanted per group (the contracts' buyer): for a
    company, each group's best ``top`` matches and its number of matching contracts — the same
    as grouping ``MatchIndex.matches``, ties ordered by ``rank`` (e.g. the reference), without a
    match per contract linked by a shared division only (the loosest and most numerous)."""

    def __init__(self, index: MatchIndex, *, group_of: Mapping[int, int], rank: Mapping[int, int]):
        self.index, self.group_of, self.rank = index, group_of, rank
        #: (division, group) → items in rank order; item → division → its first code there
        self.by_division_group: dict[tuple[str, int], list[int]] = {}
        self.code_in: dict[int, dict[str, str]] = {}
        for item_id, codes in index.codes.items():
            firsts: dict[str, str] = {}
            for code in codes:
                firsts.setdefault(code[:2], code)
            self.code_in[item_id] = firsts
            for division in firsts:
                key = (division, group_of[item_id])
                self.by_division_group.setdefault(key, []).append(item_id)
        for items in self.by_division_group.values():
            items.sort(key=rank.__getitem__)

    def top(
        self,
        company: CompanyInfo,
        *,
        top: int = 3,
        extra: Mapping[int, Iterable[str]] | None = None,
    ) -> dict[int, tuple[list[Match], int]]:
        """Group → (its best ``top`` matches, best first; its number of matching contracts)."""
        in_divisions, deep, found = self.index._split(company, extra)
        own_in: dict[str, str] = {}
        for code in dict.fromkeys(company.codes):
            own_in.setdefault(code[:2], code)
        cpv = dict(deep)
        for item_id in found.keys() - deep.keys():
            if item_id in in_divisions:
                cpv[item_id] = self._division_link(item_id, company.codes)
        explicit: dict[int, list[Match]] = {}
        for match in _build(cpv, found, contract_side=False, other_id=company.id):
            explicit.setdefault(self.group_of[match.contract_id], []).append(match)
        loose = in_divisions - cpv.keys() - found.keys()
        counts = Counter(map(self.group_of.__getitem__, loose))
        for group, matches in explicit.items():
            counts[group] += len(matches)
        result = {}
        for group, count in counts.items():
            best = sorted(
                explicit.get(group, []), key=lambda m: (-m.score, self.rank[m.contract_id])
            )[:top]
            if len(best) < top and count > len(best):
                best += self._loose(company, group, own_in, loose, top - len(best))
            result[group] = (best, count)
        return result

    def _division_link(self, item_id: int, codes: Sequence[str]) -> tuple[int, str, str]:
        """(2, own code, its code): the first codes sharing a division, as ``match_contract``
        picks them when nothing deeper is shared."""
        firsts = self.code_in[item_id]
        own = next(c for c in dict.fromkeys(codes) if c[:2] in firsts)
        return 2, own, firsts[own[:2]]

    def _loose(self, company, group, own_in, loose, wanted) -> list[Match]:
        """The first ``wanted`` items of ``group`` linked by a shared division only, in rank
        order."""
        picked: set[int] = set()
        for division in own_in:
            taken = 0
            for item in self.by_division_group.get((division, group), ()):
                if item in loose:
                    picked.add(item)
                    taken += 1
                    if taken == wanted:
                        break
        matches = []
        for item in sorted(picked, key=self.rank.__getitem__)[:wanted]:
            depth, own, theirs = self._division_link(item, company.codes)
            matches.append(
                Match(
                    contract_id=item,
                    company_id=company.id,
                    score=score_of(cpv_depth=depth, keyword_count=0),
                    cpv_depth=depth,
                    company_code=own,
                    contract_code=theirs,
                )
            )
        return matches


def _build(cpv, found, *, contract_side: bool, other_id: int) -> list[Match]:
    result = []
    for item_id in cpv.keys() | found.keys():
        depth, query_code, item_code = cpv.get(item_id, (0, "", ""))
        phrases = tuple(sorted(found.get(item_id, ())))
        if contract_side:  # items are companies, the query a contract
            contract_id, company_id, own, theirs = other_id, item_id, item_code, query_code
        else:
            contract_id, company_id, own, theirs = item_id, other_id, query_code, item_code
        result.append(
            Match(
                contract_id=contract_id,
                company_id=company_id,
                score=score_of(cpv_depth=depth, keyword_count=len(phrases)),
                cpv_depth=depth,
                company_code=own,
                contract_code=theirs,
                keywords=phrases,
            )
        )
    key = (
        (lambda m: (-m.score, m.company_id))
        if contract_side
        else (lambda m: (-m.score, m.contract_id))
    )
    result.sort(key=key)
    return result


def match_contracts(
    *, company_codes: Iterable[str], keywords: str, contracts: Iterable[ContractInfo]
) -> list[Match]:
    """Every contract fitting a company, best first."""
    company = CompanyInfo(id=0, codes=list(company_codes), keywords=keywords)
    return MatchIndex.of_contracts(contracts).matches(company)


def match_reasons(match: Match, *, reference: str = "") -> list[dict]:
    """A match as stored reasons (data, rendered by ``buyers.match_reasons``): its CPV link and
    its keywords, each naming the contract by id and reference."""
    reasons = []
    if match.cpv_depth:
        reasons.append(
            {
                "kind": "cpv",
                "contract_id": match.contract_id,
                "reference": reference,
                "depth": match.cpv_depth,
                "company_code": match.company_code,
                "contract_code": match.contract_code,
            }
        )
    if match.keywords:
        reasons.append(
            {
                "kind": "keyword",
                "contract_id": match.contract_id,
                "reference": reference,
                "keywords": list(match.keywords),
            }
        )
    return reasons
