import pytest

from buyers.demo import seed_cpv
from tests.factories.buyers import BuyerMembershipFactory, BuyerOrganisationFactory


@pytest.fixture
def cpv_demo(db):
    """The project's CPV subset (184 codes) in the database."""
    seed_cpv()


@pytest.fixture
def organisation(db):
    return BuyerOrganisationFactory(name="Ville de Montreuil (test)")


@pytest.fixture
def buyer(organisation):
    """A signed-in-able buyer user of ``organisation``."""
    return BuyerMembershipFactory(organisation=organisation).user
