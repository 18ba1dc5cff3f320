import pytest

from ellipse.accounts.roles import Role, user_roles
from tests.factories import UserFactory


@pytest.mark.django_db
def test_user_factory_role_traits():
    assert user_roles(UserFactory(staff=True)) == {Role.STAFF}
    assert user_roles(UserFactory(official=True)) == {Role.OFFICIAL}
