"""Who may see and change what in meetings/: one place for the object-level rules."""

from buyers.perms import buyer_organisation_of
from companies.perms import company_of
from ellipse.accounts.roles import Role, user_has_role


def can_manage_schedule(user) -> bool:
    """Only the Ellipse team computes, edits and publishes schedules."""
    return user_has_role(user, Role.STAFF)


def agenda_owner(user):
    """("company", Company) or ("buyer", BuyerOrganisation) whose agenda ``user`` may read, or
    None. A user only ever reads the agenda of the organisation they belong to."""
    if user_has_role(user, Role.COMPANY):
        company = company_of(user)
        if company is not None:
            return "company", company
    if user_has_role(user, Role.BUYER):
        organisation = buyer_organisation_of(user)
        if organisation is not None:
            return "buyer", organisation
    return None
