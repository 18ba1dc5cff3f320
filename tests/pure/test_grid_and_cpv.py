"""The morning grid and the CPV helpers: pure modules, tested without Django."""

import datetime as dt

import pytest

from buyers.cpv import cpv_level, cpv_parse, cpv_shared_depth
from ellipse.editions.grid import slot_grid


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
