import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from ellipse.core.params import MAX_ID, id_param, ids_param, int_param, parse_int, year_param


def _query(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027", 2027),
        (" 2031 ", 2031),
        ("²", None),
        ("٢٠٢٧", None),
        ("２０２７", None),
        ("1999", None),
        ("2101", None),
        ("20271", None),
        ("", None),
        ("\x00", None),
        ("1e3", None),
    ],
)
def test_year_param(raw, expected):
    assert year_param(_query(annee=raw)) == expected


def test_strict_refuses_with_400_but_accepts_absent():
    with pytest.raises(BadRequest):
        id_param(_query(id="abc"), "id", strict=True)
    assert id_param(_query(), "id", strict=True) is None
    assert id_param(_query(id=str(MAX_ID + 1)), "id") is None


def test_ids_param_keeps_valid_ids_once_in_order():
    assert ids_param(_query(c=["3", "x", "1", "3", "-2", "٣", "0"]), "c") == [3, 1]


def test_negative_only_when_allowed():
    assert parse_int("-5") is None
    assert parse_int("-5", min_value=-10) == -5


@given(st.text(max_size=40))
def test_any_text_gives_a_bounded_int_or_the_default(text):
    value = int_param({"n": text}, "n", "défaut", min_value=0, max_value=1000)
    assert value == "défaut" or (isinstance(value, int) and 0 <= value <= 1000)
    assert year_param({"annee": text}) in (None, *range(2000, 2101))
