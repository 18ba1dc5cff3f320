"""Who may see and change what in buyers/: one place for the object-level rules."""

from ellipse.accounts.roles import Role, user_has_role

from .models import BuyerMembership, BuyerOrganisation, PlannedContract


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


def is_buyer(user) -> bool:
    return user_has_role(user, Role.BUYER) and buyer_organisation_of(user) is not None


def can_manage_contract(user, contract: PlannedContract) -> bool:
    """Staff manage every line; a buyer only its own organisation's lines."""
    if user_has_role(user, Role.STAFF):
        return True
    organisation = buyer_organisation_of(user)
    return organisation is not None and contract.organisation_id == organisation.pk
