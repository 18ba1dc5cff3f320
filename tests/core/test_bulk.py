"""``ellipse.core.bulk``: the garbage collector paused during a bulk computation."""

import gc

import pytest

from ellipse.core.bulk import collection_paused


def test_collection_paused_resumes_after_the_block_even_on_an_error():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_collection_paused_leaves_a_paused_collector_paused():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
