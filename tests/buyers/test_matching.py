"""The one matching rule (``buyers.matching``) and its sentences (``buyers.match_reasons``)."""

import random

import pytest

from buyers.match_reasons import match_reason_texts, score_filter_choices, score_scale_help
from buyers.matching import (
    DEPTH_SCORES,
    KEYWORD_SCORE,
    SAME_CODE,
    CompanyInfo,
    ContractInfo,
    MatchIndex,
    is_match,
    match_contract,
    match_contracts,
    match_reasons,
    tie_order,
    words,
)

PAINT = ContractInfo(
    id=1,
    codes=["45442100"],
    text="Travaux de peinture intérieure des écoles",
    label="2027-001 — Peinture des écoles",
)
GREEN = ContractInfo(
    id=2, codes=["77310000"], text="Entretien des espaces verts", label="2027-002 — Espaces verts"
)


@pytest.mark.parametrize(
    ("codes", "score"),
    [
        (["45442100"], 1.0),  # same code
        (["45442000"], 1.0),  # same category (5 digits)
        (["45440000"], 0.75),  # same class
        (["45400000"], 0.5),  # same group
        (["45000000"], None),  # same division only: a weak hint, not a match
        (["77310000"], None),  # nothing shared
    ],
)
def test_cpv_depth_scores(codes, score):
    match = match_contract(company_codes=codes, keywords="", contract=PAINT)
    assert (match.score if match else None) == score


def test_shared_division_weighs_less_than_one_keyword():
    assert DEPTH_SCORES[2] < KEYWORD_SCORE < DEPTH_SCORES[3]


def test_reason_names_the_contract_and_the_codes_for_each_reader():
    match = match_contract(company_codes=["45440000"], keywords="", contract=PAINT)
    reasons = match_reasons(match, reference="2027-001")
    assert reasons == [
        {
            "kind": "cpv",
            "contract_id": 1,
            "reference": "2027-001",
            "depth": 4,
            "company_code": "45440000",
            "contract_code": "45442100",
        }
    ]
    labels = {1: PAINT.label}
    assert match_reason_texts(reasons, labels=labels, audience="company") == [
        "CPV 45442100 de « 2027-001 — Peinture des écoles » : même classe que votre CPV 45440000"
    ]
    assert match_reason_texts(reasons, labels=labels, audience="buyer") == [
        "CPV 45442100 de « 2027-001 — Peinture des écoles » : même classe que le CPV 45440000 "
        "de l'entreprise"
    ]


def test_landscaper_is_not_matched_with_interior_painting_by_the_division_alone():
    """Landscaping works (45112710) and interior painting (45442100) share division 45 only."""
    assert match_contract(company_codes=["45112710"], keywords="", contract=PAINT) is None
    assert match_contracts(company_codes=["45112710"], keywords="", contracts=[PAINT]) == []
    index = MatchIndex.of_contracts([PAINT])
    landscaper = CompanyInfo(id=3, codes=["45112710"], keywords="")
    assert index.summary(landscaper) == (0.0, 0)
    assert MatchIndex.of_companies([landscaper]).matches_for_contract(PAINT) == []


def test_a_shared_division_adds_to_a_keyword_match_and_says_it_is_loose():
    match = match_contract(company_codes=["45112710"], keywords="peinture", contract=PAINT)
    assert match.score == pytest.approx(DEPTH_SCORES[2] + KEYWORD_SCORE)
    texts = match_reason_texts(match_reasons(match), labels={1: "P"}, audience="company")
    assert "seulement la même division (rapprochement large)" in texts[0]
    assert "peinture" in texts[1]


def test_the_rule_is_one_predicate():
    assert not is_match(cpv_depth=2, keyword_count=0)
    assert is_match(cpv_depth=2, keyword_count=1)
    assert is_match(cpv_depth=3, keyword_count=0)
    assert is_match(cpv_depth=SAME_CODE, keyword_count=0)
    # two identical division-level codes are the same code, not a division-only link
    same = ContractInfo(id=5, codes=["45000000"], text="")
    assert match_contract(company_codes=["45000000"], keywords="", contract=same).score == 1.0


def test_keywords_match_plural_and_accents():
    match = match_contract(company_codes=[], keywords="Peintures, ÉCOLE maternelle", contract=PAINT)
    assert sorted(match.keywords) == sorted(["ÉCOLE maternelle", "Peintures"])
    assert match.score == pytest.approx(0.6)


def test_best_first_and_unrelated_left_out():
    matches = match_contracts(
        company_codes=["77300000"], keywords="tonte, jardin", contracts=[PAINT, GREEN]
    )
    assert [m.contract_id for m in matches] == [2]


def test_stopwords_are_not_keywords():
    assert words("Travaux de la voirie et des trottoirs") == {"voiri", "trottoir"}


def test_extra_hits_add_keywords_found_elsewhere():
    index = MatchIndex.of_contracts([PAINT, GREEN])
    company = CompanyInfo(id=9, codes=[], keywords="isolant")
    assert index.matches(company) == []
    [match] = index.matches(company, extra={1: {"isolant"}, 99: {"isolant"}})
    assert (match.contract_id, match.company_id, match.keywords) == (1, 9, ("isolant",))


def _random_case(seed):
    rng = random.Random(seed)
    codes = [
        "45442100", "45442000", "45440000", "45400000", "45000000", "45112710", "45233140",
        "77310000", "77300000", "77000000", "90910000", "90911200", "55520000", "50700000",
    ]  # fmt: skip
    texts = [
        "peinture des écoles", "entretien des espaces verts", "nettoyage des locaux",
        "restauration scolaire", "élagage des arbres", "voirie et trottoirs", "menuiserie bois",
    ]  # fmt: skip
    contracts = [
        ContractInfo(
            id=i,
            codes=rng.sample(codes, rng.randint(1, 3)),
            text=" ".join(rng.sample(texts, 2)),
            label=f"REF-{i}",
        )
        for i in range(120)
    ]
    companies = [
        CompanyInfo(
            id=1000 + j,
            codes=rng.sample(codes, rng.randint(0, 3)),
            keywords=", ".join(rng.sample(texts, rng.randint(0, 2))),
        )
        for j in range(80)
    ]
    return contracts, companies


def test_index_gives_the_reference_rule_in_both_directions():
    """The index equals ``match_contract`` pair by pair, company → contracts and back."""
    contracts, companies = _random_case(7)
    by_contract = MatchIndex.of_contracts(contracts).bulk_matches(companies)
    by_company = MatchIndex.of_companies(companies)
    expected = {}
    for company in companies:
        for contract in contracts:
            match = match_contract(
                company_codes=company.codes,
                keywords=company.keywords,
                contract=contract,
                company_id=company.id,
            )
            if match:
                expected[company.id, contract.id] = match
    got = {(c, m.contract_id): m for c, ms in by_contract.items() for m in ms}
    assert got == expected
    back = {
        (m.company_id, contract.id): m
        for contract in contracts
        for m in by_company.matches_for_contract(contract)
    }
    assert {k: m.score for k, m in back.items()} == {k: m.score for k, m in expected.items()}
    assert {k: m.keywords for k, m in back.items()} == {k: m.keywords for k, m in expected.items()}
    assert len(expected) > 500


def test_admin_scale_and_filters_come_from_the_constants():
    assert [value for value, _label in score_filter_choices()] == ["1", "0.75", "0.5"]
    assert "0,1 seulement la même division" in score_scale_help()


def test_summary_equals_the_best_and_count_of_the_matches():
    contracts, companies = _random_case(11)
    index = MatchIndex.of_contracts(contracts)
    for company in companies:
        matches = index.matches(company, extra={3: {"x"}})
        expected = (matches[0].score if matches else 0.0, len(matches))
        assert index.summary(company, extra={3: {"x"}}) == expected


def test_best_equals_the_first_matches_without_building_the_others():
    contracts, companies = _random_case(13)
    index = MatchIndex.of_contracts(contracts)
    for company in companies:
        matches = index.matches(company)
        for limit, min_score, exclude in ((5, 0.0, ()), (20, 0.3, {1, 2, 3}), (200, 0.5, ())):
            expected = [
                m for m in matches if m.score >= min_score and m.contract_id not in exclude
            ][:limit]
            assert index.best(company, limit=limit, min_score=min_score, exclude=exclude) == (
                expected
            )


def test_grouped_index_gives_each_group_s_best_matches_and_count():
    from buyers.matching import GroupedIndex

    contracts, companies = _random_case(5)
    index = MatchIndex.of_contracts(contracts)
    group_of = {c.id: c.id % 9 for c in contracts}
    rank = {c.id: (c.id * 37) % 120 for c in contracts}
    grouped = GroupedIndex(index, group_of=group_of, rank=rank)
    for company in companies:
        extra = {4: {"x"}, 5: {"y"}}
        expected: dict[int, list] = {}
        for m in index.matches(company, extra=extra):
            expected.setdefault(group_of[m.contract_id], []).append(m)
        got = grouped.top(company, top=3, extra=extra)
        assert got.keys() == expected.keys()
        for group, matches in expected.items():
            matches.sort(key=lambda m: (-m.score, rank[m.contract_id]))
            assert got[group] == (matches[:3], len(matches))


def test_grouped_index_keeps_the_best_groups_and_those_asked_for():
    from buyers.matching import GroupedIndex

    contracts, companies = _random_case(5)
    index = MatchIndex.of_contracts(contracts)
    group_of = {c.id: c.id % 9 for c in contracts}
    rank = {c.id: c.id for c in contracts}
    grouped = GroupedIndex(index, group_of=group_of, rank=rank)
    checked = 0
    for company in companies:
        every = grouped.top(company)
        if len(every) < 4:
            continue
        ranked = sorted(
            every,
            key=lambda g: (-(every[g][0][0].score + every[g][1] / 100), tie_order(company.id, g)),
        )
        keep = {ranked[-1], 99}
        got = grouped.top(
            company, best_groups=2, group_score=lambda best, n: best + n / 100, keep=keep
        )
        assert got == {g: every[g] for g in [*ranked[:2], ranked[-1]]}
        checked += 1
    assert checked > 10
