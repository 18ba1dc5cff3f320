"""spaser_indicators: the exact JSON keys and values scripts rely on, and the CSV row."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from spaser.services import decp_import
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.spaser.decp_files import EE, HAND_REGISTER, SMALL, write_v2

pytestmark = pytest.mark.django_db

KEYS = [
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
]


@pytest.fixture
def register(tmp_path):
    RegistrationFactory(company=CompanyFactory(siret=SMALL))
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))


def indicators(*args) -> str:
    out = io.StringIO()
    call_command("spaser_indicators", *args, stdout=out)
    return out.getvalue()


def test_json_has_the_documented_keys_and_values(register):
    data = json.loads(indicators("--year", "2024", "--format", "json"))
    assert list(data) == KEYS
    assert data == {
        "year": 2024,
        "buyer": None,
        "contracts": 5,
        "amount_ht": 329999.99,
        "environmental": 3,
        "environmental_share": 0.6,
        "social": 4,
        "over_40k": 3,
        "social_over_40k": 2,
        "social_over_40k_share": 0.6667,
        "reserved": 1,
        "ellipse_holders": 1,
        "ellipse_contracts": 1,
        "ellipse_amount_ht": 39999.99,
    }


def test_json_for_one_buyer_and_an_empty_year(register):
    data = json.loads(indicators("--year", "2024", "--buyer", EE))
    assert data["buyer"] == EE and data["contracts"] == 4 and data["amount_ht"] == 249999.99
    empty = json.loads(indicators("--year", "2019"))
    assert empty["contracts"] == 0
    assert empty["environmental_share"] is None and empty["social_over_40k_share"] is None
    assert isinstance(empty["contracts"], int)


def test_csv_is_the_same_as_one_row(register):
    rows = list(csv.DictReader(io.StringIO(indicators("--year", "2024", "--format", "csv"))))
    assert len(rows) == 1 and list(rows[0]) == KEYS
    assert rows[0]["amount_ht"] == "329999.99" and rows[0]["social_over_40k_share"] == "0.6667"
    assert rows[0]["buyer"] == ""


def test_bad_buyer_is_refused_in_french():
    with pytest.raises(CommandError, match="Acheteur inconnu"):
        indicators("--year", "2024", "--buyer", "pas-un-siret")
