import pytest

from buyers.matching import ContractInfo, match_contract, match_contracts, words

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
        (["45000000"], 0.25),  # same division
        (["77310000"], None),  # nothing shared
    ],
)
def test_cpv_depth_scores(codes, score):
    match = match_contract(company_codes=codes, keywords="", contract=PAINT)
    assert (match.score if match else None) == score


def test_reason_names_the_contract_and_the_codes():
    match = match_contract(company_codes=["45440000"], keywords="", contract=PAINT)
    assert match.reasons == [
        "CPV 45442100 de « 2027-001 — Peinture des écoles » : même classe que votre CPV 45440000"
    ]


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
