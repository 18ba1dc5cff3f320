"""Indicator formulas on a hand-worked register; the pure functions and the database agree."""

from decimal import Decimal

import pytest

from spaser.indicators import ContractFacts, HolderFacts, compute, deduplicate, share
from spaser.models import Contract
from spaser.selectors import register_indicators
from spaser.services import decp_import
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.spaser.decp_files import HAND_REGISTER, SMALL, write_v2


def test_share_is_a_rounded_fraction_or_none():
    assert share(2, 3) == 0.6667
    assert share(0, 0) is None
    assert share(Decimal("1"), Decimal("4")) == 0.25


def test_pure_formulas_on_hand_made_records():
    small = HolderFacts("S", company_id=1, small=True, ellipse=True)
    contracts = [
        ContractFacts(
            "a",
            2024,
            "200057875000",
            Decimal("50000"),
            ("Clause sociale",),
            ("Critère environnemental",),
        ),
        ContractFacts("b", 2024, "200057875000", Decimal("40000"), ("Clause sociale",)),
        ContractFacts(
            "c", 2024, "200057875000", Decimal("39999.99"), ("Marché réservé",), holders=(small,)
        ),
        ContractFacts("d", 2024, "200057875000", Decimal("120000"), version="1"),
        ContractFacts(
            "d",
            2024,
            "200057875000",
            Decimal("120000"),
            (),
            ("Clause environnementale",),
            version="2",
        ),
        ContractFacts("e", 2023, "200057875000", Decimal("50000"), ("Critère social",)),
        ContractFacts(
            "g",
            2024,
            "219300555000",
            Decimal("80000"),
            ("Clause sociale",),
            ("Clause environnementale",),
        ),
    ]
    assert len(deduplicate(contracts)) == 6
    all_buyers = compute(contracts, year=2024)
    assert all_buyers["contracts"] == 5
    assert all_buyers["amount_ht"] == Decimal("329999.99")
    assert all_buyers["environmental"] == 3 and all_buyers["environmental_share"] == 0.6
    assert all_buyers["social"] == 4
    # 40,000.00 exactly is neither above nor below the threshold.
    assert all_buyers["over_40k"] == 3 and all_buyers["social_over_40k"] == 2
    assert all_buyers["social_over_40k_share"] == 0.6667
    assert all_buyers["reserved"] == 1
    assert all_buyers["small_under_40k"] == 1
    assert all_buyers["ellipse_holders"] == 1 and all_buyers["ellipse_contracts"] == 1
    assert all_buyers["ellipse_amount_ht"] == Decimal("39999.99")
    est_ensemble = compute(contracts, year=2024, buyers=["200057875"])
    assert est_ensemble["contracts"] == 4 and est_ensemble["social_over_40k_share"] == 0.5
    assert compute(contracts, year=2023)["social"] == 1
    assert compute(contracts, year=2019)["environmental_share"] is None


@pytest.mark.django_db
def test_database_aggregation_matches_hand_worked_answers(tmp_path):
    company = CompanyFactory(siret=SMALL, size_class="micro")
    RegistrationFactory(company=company)
    run = decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    assert (run.records, run.rejected) == (9, 1)
    assert Contract.objects.count() == 7  # D imported once; H rejected
    figures = register_indicators(year=2024)
    assert figures["contracts"] == 5
    assert figures["amount_ht"] == Decimal("329999.99")
    assert (figures["environmental"], figures["environmental_share"]) == (3, 0.6)
    assert figures["social"] == 4
    assert (figures["over_40k"], figures["social_over_40k"]) == (3, 2)
    assert figures["social_over_40k_share"] == 0.6667
    assert figures["reserved"] == 1
    assert figures["small_under_40k"] == 1
    assert (figures["ellipse_holders"], figures["ellipse_contracts"]) == (1, 1)
    assert figures["ellipse_amount_ht"] == Decimal("39999.99")
    est_ensemble = register_indicators(year=2024, prefixes=("200057875",))
    assert est_ensemble["contracts"] == 4
    assert est_ensemble["amount_ht"] == Decimal("249999.99")
    assert est_ensemble["environmental_share"] == 0.5
    assert est_ensemble["social_over_40k_share"] == 0.5
    assert register_indicators(year=2023)["contracts"] == 1
    assert register_indicators(year=2025)["contracts"] == 1


@pytest.mark.django_db
def test_pure_and_database_figures_agree(tmp_path):
    """The same register through both paths gives the same numbers, key by key."""
    company = CompanyFactory(siret=SMALL, size_class="micro", ess_status="scop")
    RegistrationFactory(company=company)
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    facts = []
    for contract in Contract.objects.prefetch_related("holders__company__registrations"):
        holders = tuple(
            HolderFacts(
                h.identifier,
                company_id=h.company_id,
                small=bool(h.company and h.company.size_class in ("micro", "pme", "artisan")),
                ess=bool(h.company and h.company.ess_status != "none"),
                ellipse=bool(h.company and h.company.registrations.exists()),
            )
            for h in contract.holders.all()
        )
        facts.append(
            ContractFacts(
                contract.uid,
                contract.year,
                contract.buyer_siret,
                contract.amount_ht,
                tuple(contract.social_considerations),
                tuple(contract.environmental_considerations),
                contract.innovative,
                contract.procedure,
                contract.modifications,
                contract.version,
                holders,
            )
        )
    for year in (2023, 2024, 2025):
        for prefixes in (None, ("200057875",), ("219300555",)):
            assert compute(facts, year=year, buyers=prefixes) == register_indicators(
                year=year, prefixes=prefixes
            ), (year, prefixes)


@pytest.mark.django_db
def test_indicator_query_count_does_not_grow(tmp_path, django_assert_num_queries):
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    with django_assert_num_queries(2):
        register_indicators(year=2024)
