"""The register as other apps read it: contracts_held, contracts_between; the funnel."""

import datetime as dt
from decimal import Decimal

import pytest

from meetings.enums import MeetingStatus
from spaser.selectors import ContractSummary, contracts_between, contracts_held, edition_funnel
from spaser.services import decp_import
from tests.factories.buyers import BuyerOrganisationFactory
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.factories.editions import EditionFactory
from tests.factories.meetings import MeetingFactory
from tests.spaser.decp_files import EE, PANTIN, SMALL, marche, write_v2

pytestmark = pytest.mark.django_db
OTHER_HOLDER = "55204599900869"


@pytest.fixture
def register(tmp_path):
    decp_import(
        path=write_v2(
            tmp_path / "r.json",
            [
                marche("A", date="2024-05-01", amount=1000, holders=[SMALL]),
                marche(
                    "B", buyer=PANTIN, date="2026-06-01", amount=2000, holders=[SMALL, OTHER_HOLDER]
                ),
                marche("C", date="2023-01-01", amount=3000, holders=[OTHER_HOLDER]),
            ],
        )
    )


def test_contracts_held_by_siret_in_one_query(register, django_assert_num_queries):
    with django_assert_num_queries(1):
        held = contracts_held(sirets=[SMALL, OTHER_HOLDER, "00000000000000"])
    assert [c.uid for c in held[SMALL]] == [f"{PANTIN}B", f"{EE}A"]
    assert "00000000000000" not in held
    summary = held[SMALL][1]
    assert isinstance(summary, ContractSummary)
    assert (summary.buyer_siret, summary.amount_ht, summary.notified_on) == (
        EE,
        Decimal("1000.00"),
        dt.date(2024, 5, 1),
    )
    assert summary.object == "Objet A"


def test_contracts_between_pairs_and_dates(register):
    pairs = [(EE, SMALL), (PANTIN, SMALL), (EE, OTHER_HOLDER)]
    found = contracts_between(pairs=pairs, since=dt.date(2024, 1, 1))
    assert [c.uid for c in found[(EE, SMALL)]] == [f"{EE}A"]
    assert [c.uid for c in found[(PANTIN, SMALL)]] == [f"{PANTIN}B"]
    assert (EE, OTHER_HOLDER) not in found  # C is from 2023
    bounded = contracts_between(pairs=pairs, since=dt.date(2024, 1, 1), until=dt.date(2025, 12, 31))
    assert (PANTIN, SMALL) not in bounded
    assert contracts_between(pairs=[], since=dt.date(2024, 1, 1)) == {}


def test_funnel_counts_each_step_and_the_24_month_window(tmp_path):
    edition = EditionFactory(year=2024, date=dt.date(2024, 4, 10))
    buyer = BuyerOrganisationFactory(siret=EE)
    met_and_won = CompanyFactory(siret=SMALL)
    met_won_elsewhere = CompanyFactory(siret=OTHER_HOLDER)
    RegistrationFactory(edition=edition, company=met_and_won, status="retained")
    RegistrationFactory(edition=edition, company=met_won_elsewhere, status="retained")
    RegistrationFactory(edition=edition, status="qualified")
    RegistrationFactory(edition=edition)
    for slot, company in enumerate((met_and_won, met_won_elsewhere)):
        MeetingFactory(
            edition=edition, buyer=buyer, company=company, slot=slot, status=MeetingStatus.PUBLISHED
        )
    decp_import(
        path=write_v2(
            tmp_path / "r.json",
            [
                marche("W1", date="2025-01-15", holders=[SMALL]),  # buyer met, in window
                marche(
                    "W2", buyer=PANTIN, date="2025-02-01", holders=[OTHER_HOLDER]
                ),  # other buyer
                marche("LATE", date="2026-04-11", holders=[OTHER_HOLDER]),  # after 24 months
            ],
        )
    )
    funnel = edition_funnel(edition=edition)
    assert funnel["registered"] == 4
    assert funnel["qualified"] == 3
    assert funnel["retained"] == 2
    assert funnel["met"] == 2
    assert funnel["contract_buyer_met"] == 1
    assert funnel["contract_any_buyer"] == 2
    assert funnel["window_end"] == dt.date(2026, 4, 10)
