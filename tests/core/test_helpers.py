import datetime as dt

import pytest

from buyers.cpv import cpv_level, cpv_parse, cpv_shared_depth
from ellipse.core.spreadsheets import neutralise_formula
from ellipse.core.territory import COMMUNES, commune_lookup, is_in_territory
from ellipse.editions.grid import slot_grid


def test_nine_communes():
    assert len(COMMUNES) == 9


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"name": "Le Pré-Saint-Gervais"}, "93061"),
        ({"name": "le pre st gervais"}, "93061"),
        ({"name": "NOISY LE SEC"}, "93053"),
        ({"postal_code": "93100"}, "93048"),
        ({"insee_code": "93045"}, "93045"),
    ],
)
def test_commune_lookup(kwargs, expected):
    assert commune_lookup(**kwargs).insee_code == expected


def test_outside_territory():
    assert not is_in_territory(name="Saint-Denis")
    assert not is_in_territory(name="Paris", postal_code="75020")


def test_territory_matches_reference_file(shared_data):
    import csv

    with (shared_data / "territoire" / "est_ensemble_communes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["commune_nom"], r["code_insee"], r["code_postal"]) for r in rows} == {
        (c.name, c.insee_code, c.postal_code) for c in COMMUNES
    }


@pytest.mark.parametrize("value", ["=1+1", "+33", "-2", "@SUM(A1)", "\tx", "=HYPERLINK()"])
def test_formulas_are_neutralised(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["Pantin", "", 12, None, "1=1"])
def test_plain_values_untouched(value):
    assert neutralise_formula(value) == value


def test_slot_grid_with_welcome_and_break():
    slots = slot_grid(
        start=dt.time(9),
        slot_minutes=20,
        slot_count=9,
        breaks=[{"after_slot": 4, "minutes": 10}],
        welcome_minutes=30,
    )
    assert [s.label for s in slots][:2] == ["09:30–09:50", "09:50–10:10"]
    assert slots[5].start == dt.time(11, 20)
    assert slots[-1].end == dt.time(12, 40)


def test_cpv_helpers():
    assert cpv_parse("45210000-2") == ("45210000", "2")
    assert cpv_parse(" 45210000 ") == ("45210000", "")
    with pytest.raises(ValueError, match="n'est pas un code CPV"):
        cpv_parse("4521")
    assert cpv_level("45000000") == 2
    assert cpv_level("03000000") == 2
    assert cpv_level("45210000") == 4
    assert cpv_shared_depth("45210000", "45000000") == 2
    assert cpv_shared_depth("45210000", "45220000") == 3
    assert cpv_shared_depth("45210000", "77310000") == 0


def test_siret_validate_normalises_and_explains():
    from django.core.exceptions import ValidationError

    from ellipse.core.siret import siret_validate

    assert siret_validate("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValidationError, match="14 chiffres"):
        siret_validate("7328293200007")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        siret_validate("73282932000075")
