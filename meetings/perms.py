"""Who may see and change what in meetings/: one place for the object-level rules."""

from buyers.perms import buyer_organisation_of
from companies.perms import company_of
from ellipse.accounts.roles import Role, user_has_role


def agenda_owner_key(user) -> tuple[str, int] | None:
    """("company", id) or ("buyer", id) of the organisation whose agenda ``user`` may read, or
    None. A user only ever reads the agenda of the organisation they belong to; the owner is
    never taken from a URL."""
    if not getattr(user, "is_authenticated", False):
        return None
    for attribute, role, kind, field in (
        ("company_membership", Role.COMPANY, "company", "company_id"),
        ("buyer_membership", Role.BUYER, "buyer", "organisation_id"),
    ):
        if user_has_role(user, role):
            membership = getattr(user, attribute, None)  # RelatedObjectDoesNotExist → None
            if membership is not None:
                return kind, getattr(membership, field)
    return None


def agenda_owner(user):
    """("company", Company) or ("buyer", BuyerOrganisation) whose agenda ``user`` may read, or
    None (see ``agenda_owner_key``)."""
    key = agenda_owner_key(user)
    if key is None:
        return None
    return key[0], company_of(user) if key[0] == "company" else buyer_organisation_of(user)
