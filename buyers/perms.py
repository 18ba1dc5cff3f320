"""Who may see and change what in buyers/: one place for the object-level rules."""

from ellipse.accounts.roles import Role, user_has_role
from ellipse.core.stamped import stamped_fact

from .models import BuyerMembership, BuyerOrganisation, PlannedContract

#: Moves on with every save or delete of a buyer's membership (``BuyersConfig.ready``; all of
#: them go through the ORM one by one).
MEMBERSHIPS_STAMP = "buyers.memberships"
_kept: dict[str, tuple] = {}


def buyer_organisation_of(user) -> BuyerOrganisation | None:
    """The organisation a signed-in buyer belongs to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    relation = BuyerMembership._meta.get_field("user").remote_field  # user.buyer_membership
    if not relation.is_cached(user):
        # The membership and its organisation in one query, kept on the user for the request.
        membership = (
            BuyerMembership.objects.select_related("organisation").filter(user=user).first()
        )
        relation.set_cached_value(user, membership)
    membership = getattr(user, "buyer_membership", None)
    return membership.organisation if membership is not None else None


def buyer_organisation_id_of(user) -> int | None:
    """The id of the organisation a signed-in buyer belongs to, if any: kept under
    :data:`MEMBERSHIPS_STAMP` (``ellipse.core.stamped``), so a page that needs only the id (a
    cached one, the directory's check) runs no membership query."""
    if not getattr(user, "is_authenticated", False):
        return None
    return stamped_fact(
        "buyers.organisation-of",
        user.pk,
        (MEMBERSHIPS_STAMP,),
        lambda: (
            BuyerMembership.objects.filter(user=user)
            .values_list("organisation_id", flat=True)
            .first()
        ),
        kept=_kept,
    )


def is_buyer(user) -> bool:
    """A signed-in buyer of an organisation (the id kept under the memberships' stamp)."""
    return user_has_role(user, Role.BUYER) and buyer_organisation_id_of(user) is not None


def can_manage_contract(user, contract: PlannedContract) -> bool:
    """Staff manage every line; a buyer only its own organisation's lines."""
    if user_has_role(user, Role.STAFF):
        return True
    organisation = buyer_organisation_of(user)
    return organisation is not None and contract.organisation_id == organisation.pk
