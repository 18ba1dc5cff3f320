"""Who may see the directory, its contacts, and a line's sourcing page (one place)."""

from django.core.cache import cache

from buyers.models import PlannedContract
from buyers.perms import buyer_organisation_of, can_manage_contract
from ellipse.accounts.roles import Role, user_has_role
from ellipse.core.stamps import stamp

#: Moves on with every save or delete of a buyer's membership (``SourcingConfig.ready``).
MEMBERSHIPS_STAMP = "sourcing.memberships"


def _has_organisation(user) -> bool:
    """Whether a signed-in buyer belongs to an organisation, kept in the cache per user under
    :data:`MEMBERSHIPS_STAMP` (a membership given or taken away moves it on at once): the
    directory's pages run no membership query (``buyers.perms.buyer_organisation_of``)."""
    key = f"sourcing:has-organisation:{user.pk}:{stamp(MEMBERSHIPS_STAMP)}"
    found = cache.get(key)
    if found is None:
        found = buyer_organisation_of(user) is not None
        cache.set(key, found, 3600)
    return found


def can_use_directory(user) -> bool:
    """Signed-in buyers (of an organisation) and staff; never companies nor the public."""
    if user_has_role(user, Role.STAFF):
        return True
    return user_has_role(user, Role.BUYER) and _has_organisation(user)


def can_see_contacts(user) -> bool:
    """A supplier's contact: the same people as the directory, said once for the templates."""
    return can_use_directory(user)


def can_source_contract(user, contract: PlannedContract) -> bool:
    """A line's matching suppliers and advice: its own buyer and staff."""
    return can_manage_contract(user, contract)


def is_staff(user) -> bool:
    return user_has_role(user, Role.STAFF)
