import pytest

from tests.invitations.data import published_schedule


@pytest.fixture
def schedule(db):
    """(edition, buyers, companies): 3 buyers × 3 meetings over 5 retained companies."""
    return published_schedule()
