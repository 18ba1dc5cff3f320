import pytest

from tests.factories.accounts import UserFactory
from tests.factories.buyers import BuyerMembershipFactory, BuyerOrganisationFactory, CpvCodeFactory
from tests.factories.companies import CompanyFactory, CompanyMembershipFactory


@pytest.fixture
def organisation(db):
    return BuyerOrganisationFactory(name="Ville de Bondy (test)")


@pytest.fixture
def buyer(organisation):
    return BuyerMembershipFactory(organisation=organisation).user


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def company_user(db):
    return CompanyMembershipFactory(company__directory_consent=True).user


@pytest.fixture
def supplier(db):
    """A consenting company factory: ``supplier(codes=[...], **fields)``."""

    def make(codes=(), **fields):
        fields.setdefault("directory_consent", True)
        company = CompanyFactory(**fields)
        for code in codes:
            company.cpv_codes.add(CpvCodeFactory(code=code))
        return company

    return make
