"""The advice rules on hand-made lines (pure function, no database)."""

from decimal import Decimal

from spaser.sourcing.advice import (
    ENVIRONMENT,
    FEW_SUPPLIERS,
    INSERTION_CLAUSE,
    RESERVE,
    SPLIT,
    LineFacts,
    Thresholds,
    line_advice,
)


def facts(**changes) -> LineFacts:
    """A line that needs no advice at all; each test changes what it is about."""
    base = {
        "amount": Decimal("30000"),
        "reserved": False,
        "has_lots": False,
        "social_clause": True,
        "environmental": True,
        "matching": 10,
        "matching_siae": 0,
        "matching_ea_esat": 0,
        "matching_small": 2,
    }
    return LineFacts(**{**base, **changes})


def kinds(line: LineFacts, thresholds: Thresholds | None = None) -> list[str]:
    return [a.kind for a in line_advice(facts=line, thresholds=thresholds or Thresholds())]


def test_no_advice_for_a_line_already_well_prepared():
    assert kinds(facts()) == []


def test_reserve_when_enough_siae_or_ea_esat_match():
    advice = line_advice(facts=facts(matching_siae=3))
    assert [a.kind for a in advice] == [RESERVE]
    assert "SIAE" in advice[0].text
    assert advice[0].figures["SIAE locales correspondantes"] == "3"
    assert "EA et ESAT" in line_advice(facts=facts(matching_ea_esat=4))[0].text


def test_no_reserve_below_threshold_or_when_already_reserved():
    assert kinds(facts(matching_siae=2, matching_ea_esat=2)) == []
    assert kinds(facts(matching_siae=5, reserved=True)) == []


def test_split_when_large_amount_and_mostly_small_suppliers():
    line = facts(amount=Decimal("250000"), matching=10, matching_small=6)
    advice = line_advice(facts=line)
    assert [a.kind for a in advice] == [SPLIT]
    assert advice[0].figures["Petites structures parmi les correspondants"] == "60 %"


def test_no_split_when_small_share_low_or_lots_exist_or_amount_low():
    assert kinds(facts(amount=Decimal("250000"), matching_small=4)) == []
    assert kinds(facts(amount=Decimal("250000"), matching_small=8, has_lots=True)) == []
    assert kinds(facts(amount=Decimal("150000"), matching_small=8)) == []


def test_insertion_clause_above_40k_without_social_consideration():
    assert kinds(facts(amount=Decimal("40001"), social_clause=False)) == [INSERTION_CLAUSE]
    assert kinds(facts(amount=Decimal("40000"), social_clause=False)) == []
    assert kinds(facts(amount=None, social_clause=False)) == []
    assert kinds(facts(amount=Decimal("90000"), social_clause=False, reserved=True)) == []


def test_environment_when_none_planned():
    advice = line_advice(facts=facts(environmental=False))
    assert [a.kind for a in advice] == [ENVIRONMENT]
    assert "100 %" in advice[0].text


def test_warn_when_few_local_suppliers_match():
    assert kinds(facts(matching=2, matching_small=0)) == [FEW_SUPPLIERS]
    assert kinds(facts(matching=3, matching_small=0)) == []


def test_thresholds_are_parameters():
    strict = Thresholds(few_suppliers=20, insertion_min_amount=Decimal("10000"))
    assert kinds(facts(social_clause=False), strict) == [INSERTION_CLAUSE, FEW_SUPPLIERS]


def test_every_rule_at_once_in_a_stable_order():
    line = facts(
        amount=Decimal("500000"),
        social_clause=False,
        environmental=False,
        matching=4,
        matching_siae=3,
        matching_small=4,
        has_lots=False,
    )
    assert kinds(line, Thresholds(few_suppliers=5)) == [
        RESERVE,
        SPLIT,
        INSERTION_CLAUSE,
        ENVIRONMENT,
        FEW_SUPPLIERS,
    ]
