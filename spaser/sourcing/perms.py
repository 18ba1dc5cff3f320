"""Who may see the directory, its contacts, and a line's sourcing page (one place)."""

from buyers.models import PlannedContract
from buyers.perms import can_manage_contract, is_buyer
from ellipse.accounts.roles import Role, user_has_role


def can_use_directory(user) -> bool:
    """Signed-in buyers (of an organisation) and staff; never companies nor the public."""
    return user_has_role(user, Role.STAFF) or is_buyer(user)


def can_see_contacts(user) -> bool:
    """A supplier's contact: the same people as the directory, said once for the templates."""
    return can_use_directory(user)


def can_source_contract(user, contract: PlannedContract) -> bool:
    """A line's matching suppliers and advice: its own buyer and staff."""
    return can_manage_contract(user, contract)


def is_staff(user) -> bool:
    return user_has_role(user, Role.STAFF)
