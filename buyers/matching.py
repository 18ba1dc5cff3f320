"""How well a company's activity fits planned contracts. No Django import.

The one matching rule of the project, used by the companies' suggestions and match scores, the
meetings' relevance and the sourcing directory. Scores:

- CPV: the deeper the prefix a company code shares with a contract code, the higher the score;
  sharing only the division (2 digits: "construction", "services to buildings"…) is a weak
  hint: it weighs least, below one keyword, and never makes a match on its own (a landscaper
  and interior painting both sit in division 45) — it only adds to a contract that also
  matches by keywords (:func:`is_match`, the one place of that rule);
- keywords: each of the company's keyword phrases found (stemmed, accents folded) in the
  contract's title or description, plus the extra hits a caller found elsewhere (PostgreSQL's
  full-text search), capped.

A :class:`MatchIndex` is built once over contracts (or over companies) by CPV prefix and by word,
so only the items sharing a CPV group (or the same code) or a word are looked at: "best
contracts of a company" and "best companies of a contract" cost the same. For many companies,
``summary`` and :class:`GroupedIndex` score with set operations (tiers of contracts sharing a
score) rather than contract by contract. Matches are data
(depth, codes, keywords); their sentences are written by ``buyers.match_reasons``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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
#: Digits of a shared division: a weak hint, never a match on its own (:func:`is_match`).
WEAK_DEPTH = 2
#: Default score from which a company "matches" a contract (same CPV group or better).
DEFAULT_THRESHOLD = 0.5
#: Texts whose words are kept (a region's planned contracts: about 10,000; ~1 KB each).
WORDS_CACHE = 16_384
#: Keyword counts above this score as this many (far past KEYWORD_CAP): the size of the
#: (depth, count) score table of the vectorised scoring (:meth:`MatchIndex._scores`).
_COUNT_CLIP = 64
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


def is_match(*, cpv_depth: int, keyword_count: int) -> bool:
    """Whether a (company, contract) link counts as a match: a keyword found, or a CPV link
    deeper than a shared division (or two identical codes). A link made only by a shared
    division is a weak hint: not a match, a suggestion nor a meeting candidate."""
    return keyword_count > 0 or cpv_depth > WEAK_DEPTH


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)  # a catalogue's vocabulary is small: each word stemmed once
def _stem(word: str) -> str:
    """A light French stemmer: plural and common endings, so "peintures" meets "peinture"."""
    for suffix in ("ements", "ement", "ations", "ation", "eurs", "eur", "es", "s", "e", "x"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=WORDS_CACHE)
def words(text: str) -> frozenset[str]:
    """Significant stemmed words of a text (accents folded, stopwords and short words out).

    Kept per text (the cache is keyed on the text itself, so never stale): the match scores'
    refresh and the relevance index the same contracts one after the other."""
    tokens = re.findall(r"[a-z0-9]+", _fold(text or ""))
    return frozenset(_stem(t) for t in tokens if len(t) > 2 and t not in STOPWORDS)


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
    if not is_match(cpv_depth=depth, keyword_count=len(found)):
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
    company. Only items sharing a CPV group (3 digits or more), an identical code or a word are
    looked at: a shared division alone is never a match (:func:`is_match`), so the numerous
    division-only links are never enumerated."""

    def __init__(self, items: Iterable[tuple[int, Sequence[str], Mapping[str, str]]]):
        self.codes: dict[int, tuple[str, ...]] = {}
        self.terms: dict[int, Mapping[str, str]] = {}
        #: prefix of 3 digits or more → [(item id, its code having that prefix)]
        self.by_prefix: dict[str, list[tuple[int, str]]] = {}
        #: 8-digit code → ids of the items having it
        self.by_code: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        #: the same as sets (for unions and updates run in C): prefix → ids, code → ids,
        #: word → ids, division → ids
        self.prefix_sets: dict[str, set[int]] = {}
        self.code_sets: dict[str, set[int]] = {}
        self.word_sets: dict[str, set[int]] = {}
        self.division_sets: dict[str, set[int]] = {}
        for item_id, codes, terms in items:
            codes = tuple(dict.fromkeys(codes))
            self.codes[item_id] = codes
            self.terms[item_id] = terms
            for code in codes:
                self.by_code.setdefault(code, []).append(item_id)
                prefix = cpv_prefix(code)
                for k in range(3, len(prefix) + 1):
                    self.by_prefix.setdefault(prefix[:k], []).append((item_id, code))
            for word in terms:
                self.by_word.setdefault(word, []).append(item_id)
        for name, lists in (("prefix_sets", self.by_prefix), ("code_sets", self.by_code)):
            sets = getattr(self, name)
            for key, entries in lists.items():
                sets[key] = {e[0] if isinstance(e, tuple) else e for e in entries}
        self.word_sets = {word: set(ids) for word, ids in self.by_word.items()}
        for code, ids in self.code_sets.items():
            self.division_sets.setdefault(code[:2], set()).update(ids)

    @classmethod
    def of_contracts(cls, contracts: Iterable[ContractInfo]) -> MatchIndex:
        return cls((c.id, c.codes, dict.fromkeys(words(c.text), "")) for c in contracts)

    @classmethod
    def of_companies(cls, companies: Iterable[CompanyInfo]) -> MatchIndex:
        return cls((c.id, c.codes, keyword_terms(c.keywords)) for c in companies)

    def __len__(self) -> int:
        return len(self.codes)

    def _deep_hits(self, codes: Sequence[str]) -> dict[int, tuple[int, str, str]]:
        """Item id → (depth, query code, item code) of links deeper than a division (or
        between identical codes), deepest first, ties to the first codes."""
        hits: dict[int, tuple[int, str, str]] = {}
        for code in dict.fromkeys(codes):
            for item_id in self.by_code.get(code, ()):
                if hits.get(item_id, (0,))[0] < SAME_CODE:
                    hits[item_id] = (SAME_CODE, code, code)
            prefix = cpv_prefix(code)
            for k in range(len(prefix), 2, -1):
                for item_id, theirs in self.by_prefix.get(prefix[:k], ()):
                    if k > hits.get(item_id, (0,))[0]:
                        hits[item_id] = (k, code, theirs)
        return hits

    def _division_link(self, item_id: int, codes: Sequence[str]) -> tuple[int, str, str]:
        """(WEAK_DEPTH, query code, item code) of the first codes sharing a division, as
        ``match_contract`` picks them, or (0, "", "")."""
        for own in codes:
            for theirs in self.codes[item_id]:
                if own[:2] == theirs[:2]:
                    return WEAK_DEPTH, own, theirs
        return 0, "", ""

    def _link(self, item_id: int, codes: Sequence[str], depth: int) -> tuple[int, str, str]:
        """(depth, query code, item code) of the first codes sharing ``depth`` digits (or
        identical, for ``SAME_CODE``), as ``_deep_hits`` picks them."""
        for own in codes:
            for theirs in self.codes[item_id]:
                if _shared_depth(own, theirs) == depth:
                    return depth, own, theirs
        return 0, "", ""

    def _word_hits(self, words_: Iterable[str]) -> dict[int, set[str]]:
        hits: dict[int, set[str]] = {}
        for word in words_:
            for item_id in self.by_word.get(word, ()):
                hits.setdefault(item_id, set()).add(word)
        return hits

    def _split(self, company: CompanyInfo, extra) -> tuple[dict, dict[int, set[str]]]:
        """(contract → (depth, own code, its code) for every match, contract → phrases found):
        deep CPV links, and the division link of contracts found by keywords only."""
        terms = keyword_terms(company.keywords)
        codes = tuple(dict.fromkeys(company.codes))
        cpv = self._deep_hits(codes)
        found: dict[int, set[str]] = {
            item_id: {terms[w] for w in shared}
            for item_id, shared in self._word_hits(terms).items()
        }
        for contract_id, phrases in (extra or {}).items():
            if contract_id in self.codes:
                found.setdefault(contract_id, set()).update(phrases)
        for item_id in found.keys() - cpv.keys():
            link = self._division_link(item_id, codes)
            if is_match(cpv_depth=link[0], keyword_count=len(found[item_id])):
                cpv[item_id] = link
        return cpv, found

    def matches(
        self, company: CompanyInfo, *, extra: Mapping[int, Iterable[str]] | None = None
    ) -> list[Match]:
        """Every indexed contract fitting ``company``, best first. ``extra``: contract id → more
        of the company's phrases found there (e.g. by a full-text search)."""
        cpv, found = self._split(company, extra)
        return _build(cpv, found, contract_side=False, other_id=company.id)

    def matches_for_contract(self, contract: ContractInfo) -> list[Match]:
        """Every indexed company fitting ``contract``, best first."""
        codes = tuple(dict.fromkeys(contract.codes))
        cpv = self._deep_hits(codes)
        found = {
            item_id: {self.terms[item_id][w] for w in shared}
            for item_id, shared in self._word_hits(words(contract.text)).items()
        }
        for item_id in found.keys() - cpv.keys():
            link = self._division_link(item_id, codes)
            if is_match(cpv_depth=link[0], keyword_count=len(found[item_id])):
                cpv[item_id] = link
        return _build(cpv, found, contract_side=True, other_id=contract.id)

    # ------------------------------------------------------------------ vectorised scoring
    # For many companies (match scores, relevance), each company is scored against every
    # indexed item at once with NumPy: item positions (the index's order) hold the deepest CPV
    # level shared and the number of phrases found, and one table lookup gives every score —
    # the same as ``matches`` (``tests/buyers/test_matching.py`` compares them), without a
    # Python step per item.

    def _positions_setup(self) -> None:
        ids = np.fromiter(self.codes.keys(), dtype=np.int64, count=len(self.codes))
        lookup = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
        lookup[ids] = np.arange(len(ids), dtype=np.int64)
        self._ids, self._lookup, self._arrays = ids, lookup, {}
        table = np.zeros((SAME_CODE + 1, _COUNT_CLIP + 1))
        for depth in range(SAME_CODE + 1):
            if depth > WEAK_DEPTH:
                table[depth, 0] = cpv_depth_score(depth)
            for count in range(1, _COUNT_CLIP + 1):
                table[depth, count] = score_of(cpv_depth=depth, keyword_count=count)
        self._table = table

    def _to_positions(self, items: Iterable[int]) -> np.ndarray:
        """Positions of the indexed ones among ``items`` (ids), in C."""
        ids = np.fromiter(items, dtype=np.int64)
        lookup = self._lookup
        positions = lookup[ids[(ids >= 0) & (ids < len(lookup))]]
        return positions[positions >= 0]

    def _array(self, kind: str, key: str) -> np.ndarray | None:
        """Positions of the items under ``key`` of one of the index's sets (kept once made)."""
        arrays = self._arrays
        if (kind, key) not in arrays:
            sets = {
                "p": self.prefix_sets,
                "c": self.code_sets,
                "w": self.word_sets,
                "d": self.division_sets,
            }[kind]
            items = sets.get(key)
            arrays[kind, key] = self._to_positions(items) if items else None
        return arrays[kind, key]

    def _scores(
        self,
        company: CompanyInfo,
        extra: Mapping[int, Iterable[str]] | None = None,
        phrase_hits: Mapping[str, Iterable[int]] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(score of each item position, 0 when no match; deepest CPV level shared, 3 digits
        or more (``SAME_CODE`` for identical codes), else 0; phrase → positions where it is
        found as a mask). ``extra``: item → phrases, ``phrase_hits``: phrase → items, both
        found elsewhere (full-text search)."""
        if not hasattr(self, "_table"):
            self._positions_setup()
        size = len(self._ids)
        codes = tuple(dict.fromkeys(company.codes))
        depth = np.zeros(size, dtype=np.int8)
        levels = []
        for code in codes:
            prefix = cpv_prefix(code)
            for k in range(3, len(prefix) + 1):
                levels.append((k, "p", prefix[:k]))
            levels.append((SAME_CODE, "c", code))
        for k, kind, key in sorted(levels, key=lambda level: level[0]):  # deepest last
            positions = self._array(kind, key)
            if positions is not None:
                depth[positions] = k
        found_in: dict[str, list[np.ndarray]] = {}
        for word, phrase in keyword_terms(company.keywords).items():
            positions = self._array("w", word)
            if positions is not None:
                found_in.setdefault(phrase, []).append(positions)
        for phrase, items in (phrase_hits or {}).items():
            found_in.setdefault(phrase, []).append(self._to_positions(items))
        by_phrase: dict[str, list[int]] = {}
        for item_id, phrases in (extra or {}).items():
            for phrase in phrases:
                by_phrase.setdefault(phrase, []).append(item_id)
        for phrase, items in by_phrase.items():
            found_in.setdefault(phrase, []).append(self._to_positions(items))
        masks: dict[str, np.ndarray] = {}
        count = np.zeros(size, dtype=np.int16)
        for phrase, arrays in found_in.items():
            mask = np.zeros(size, dtype=bool)
            for positions in arrays:
                mask[positions] = True
            masks[phrase] = mask
            count += mask
        if not masks:
            return self._table[depth, 0], depth, masks
        effective = depth
        loose = (count > 0) & (depth == 0)
        if loose.any():
            division = np.zeros(size, dtype=bool)
            for code in codes:
                positions = self._array("d", code[:2])
                if positions is not None:
                    division[positions] = True
            effective = depth.copy()
            effective[loose & division] = WEAK_DEPTH
        return self._table[effective, np.minimum(count, _COUNT_CLIP)], depth, masks

    def summary(
        self,
        company: CompanyInfo,
        *,
        extra: Mapping[int, Iterable[str]] | None = None,
        phrase_hits: Mapping[str, Iterable[int]] | None = None,
    ) -> tuple[float, int]:
        """(best score, number of matching contracts) of ``company``: the same as taking
        ``matches`` whole, without a match per contract. ``phrase_hits``: phrase → contracts
        where a full-text search found it (``extra`` the other way round)."""
        if not self.codes:
            return 0.0, 0
        scores, _depth, _masks = self._scores(company, extra, phrase_hits)
        count = int(np.count_nonzero(scores))
        return (float(scores.max()), count) if count else (0.0, 0)

    def best(
        self,
        company: CompanyInfo,
        *,
        limit: int,
        min_score: float = 0.0,
        exclude: Collection[int] = (),
    ) -> list[Match]:
        """The first ``limit`` of ``matches(company)`` (best first, ties by id) scoring at least
        ``min_score``, those of ``exclude`` left out — the same, building a :class:`Match` only
        for these (a page of proposals out of thousands of matching contracts)."""
        if not self.codes or limit <= 0:
            return []
        scores, depth, masks = self._scores(company)
        ids = self._ids
        positions = np.flatnonzero((scores > 0) & (scores >= min_score))
        if exclude:
            positions = positions[~np.isin(ids[positions], np.fromiter(exclude, dtype=np.int64))]
        order = np.lexsort((ids[positions], -scores[positions]))[:limit]  # score, then id
        codes = tuple(dict.fromkeys(company.codes))
        phrases = list(masks.items())
        return [
            self._match_at(company, int(p), float(scores[p]), codes, depth, phrases)
            for p in positions[order].tolist()
        ]

    def _match_at(
        self,
        company: CompanyInfo,
        position: int,
        score: float,
        codes: Sequence[str],
        depth: np.ndarray,
        phrases: Sequence[tuple[str, np.ndarray]],
    ) -> Match:
        """The :class:`Match` of the item at ``position`` of :meth:`_scores`' arrays."""
        item_id = int(self._ids[position])
        k = int(depth[position])
        if k:
            d, own, theirs = self._link(item_id, codes, k)
        else:
            d, own, theirs = self._division_link(item_id, codes)
        return Match(
            contract_id=item_id,
            company_id=company.id,
            score=score,
            cpv_depth=d,
            company_code=own,
            contract_code=theirs,
            keywords=tuple(sorted(p for p, mask in phrases if mask[position])),
        )

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


def tie_order(company_id: int, group: int) -> tuple[int, int]:
    """Order of equally good groups (buyers) for one company: a fixed hash of both ids, so
    companies keeping their best buyers share the tied ones out instead of all keeping the
    same (lowest) ones."""
    return (company_id * 2654435761 + group * 40503) * 2246822519 % 4294967291, group


class GroupedIndex:
    """A contracts' index whose results are wanted per group (the contracts' buyer): for a
    company, each group's best ``top`` matches and its number of matching contracts — the same
    as grouping ``MatchIndex.matches``, ties ordered by ``rank`` (e.g. the reference), building
    a :class:`Match` only for each kept group's best.

    Items are laid out group by group (by rank within a group), so a company's scores
    (:meth:`MatchIndex._scores`) give each group's best score and count by NumPy reductions."""

    def __init__(self, index: MatchIndex, *, group_of: Mapping[int, int], rank: Mapping[int, int]):
        self.index, self.group_of, self.rank = index, group_of, rank
        if not hasattr(index, "_table"):
            index._positions_setup()
        ids = index._ids.tolist()
        #: item positions of the index in (group, rank, id) order
        order = sorted(range(len(ids)), key=lambda p: (group_of[ids[p]], rank[ids[p]], ids[p]))
        self._order = np.array(order, dtype=np.int64)
        self._groups: list[int] = []
        starts = []
        for i, position in enumerate(order):
            group = group_of[ids[position]]
            if not self._groups or self._groups[-1] != group:
                self._groups.append(group)
                starts.append(i)
        self._starts = np.array(starts, dtype=np.int64)
        self._ends = np.append(self._starts[1:], len(order)).astype(np.int64)
        self._group_index = {group: i for i, group in enumerate(self._groups)}
        self._group_scores: dict[tuple[float, int], float] = {}

    def top(
        self,
        company: CompanyInfo,
        *,
        top: int = 3,
        extra: Mapping[int, Iterable[str]] | None = None,
        phrase_hits: Mapping[str, Iterable[int]] | None = None,
        best_groups: int | None = None,
        group_score: Callable[[float, int], float] | None = None,
        keep: Collection[int] = (),
    ) -> dict[int, tuple[list[Match], int]]:
        """Group → (its best ``top`` matches, best first; its number of matching contracts).

        ``best_groups``: only that many groups, the best by ``group_score(best score, count)``
        (default: the best score; ties by :func:`tie_order`), plus those in ``keep``."""
        if not self._groups:
            return {}
        index = self.index
        scores, depth, masks = index._scores(company, extra, phrase_hits)
        ordered = scores[self._order]
        counts = np.add.reduceat(ordered > 0, self._starts, dtype=np.int64)
        bests = np.maximum.reduceat(ordered, self._starts)
        matched = np.flatnonzero(counts)
        chosen = matched
        if best_groups is not None:
            kept = np.array(
                [self._group_index[g] for g in keep if g in self._group_index], dtype=np.int64
            )
            is_kept = np.isin(matched, kept)
            others = matched[~is_kept]
            if len(others) > best_groups:
                values = self._values(bests[others], counts[others], group_score)
                # the best_groups-th best value: better ones are in, equal ones by tie_order
                cut = -np.partition(-values, best_groups - 1)[best_groups - 1]
                sure = others[values > cut]
                tied = sorted(
                    others[values == cut].tolist(),
                    key=lambda g: tie_order(company.id, self._groups[g]),
                )
                chosen = np.concatenate(
                    [
                        sure,
                        np.array(tied[: best_groups - len(sure)], dtype=np.int64),
                        matched[is_kept],
                    ]
                )
        codes = tuple(dict.fromkeys(company.codes))
        phrases = list(masks.items())
        result = {}
        for g in chosen.tolist():
            start = int(self._starts[g])
            segment = ordered[start : self._ends[g]]
            hits = np.flatnonzero(segment)
            best = hits[np.argsort(-segment[hits], kind="stable")[:top]]
            matches = [
                index._match_at(
                    company,
                    int(self._order[start + offset]),
                    float(segment[offset]),
                    codes,
                    depth,
                    phrases,
                )
                for offset in best.tolist()
            ]
            result[self._groups[g]] = (matches, int(counts[g]))
        return result

    def _values(self, bests: np.ndarray, counts: np.ndarray, group_score) -> np.ndarray:
        """``group_score(best, count)`` of each group, called once per distinct pair."""
        if group_score is None:
            return bests
        known = self._group_scores
        if getattr(self, "_group_score_of", None) is not group_score:
            known.clear()
            self._group_score_of = group_score
        values = np.empty(len(bests))
        for i, pair in enumerate(zip(bests.tolist(), counts.tolist(), strict=True)):
            value = known.get(pair)
            if value is None:
                value = known[pair] = group_score(*pair)
            values[i] = value
        return values


def _build(cpv, found, *, contract_side: bool, other_id: int) -> list[Match]:
    result = []
    for item_id, (depth, query_code, item_code) in cpv.items():
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
