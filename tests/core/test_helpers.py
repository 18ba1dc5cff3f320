import pytest

from ellipse.core.spreadsheets import neutralise_formula
from ellipse.core.territory import COMMUNES, commune_lookup, is_in_territory


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


def test_siret_validate_normalises_and_explains():
    from django.core.exceptions import ValidationError

    from ellipse.core.siret import siret_validate

    assert siret_validate("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValidationError, match="14 chiffres"):
        siret_validate("7328293200007")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        siret_validate("73282932000075")
