"""Who may see and change what in trainings/: one place for the object-level rules."""

from buyers.perms import buyer_organisation_of
from companies.perms import company_of
from ellipse.accounts.roles import Role, user_has_role

from .enums import ParticipantKind
from .models import Participant


def is_staff(user) -> bool:
    return user_has_role(user, Role.STAFF)


def registrant_of(user) -> tuple[str, dict] | None:
    """The kind and organisation a signed-in user registers people for, if any."""
    company = company_of(user)
    if company is not None:
        return ParticipantKind.COMPANY, {"company_id": company.pk}
    organisation = buyer_organisation_of(user)
    if organisation is not None:
        return ParticipantKind.AGENT, {"buyer_organisation_id": organisation.pk}
    if user_has_role(user, Role.OFFICIAL):
        return ParticipantKind.OFFICIAL, {}  # an elected official registers in their own name
    return None


def can_manage_participant(user, participant: Participant) -> bool:
    """Staff, or a member of the participant's own organisation (cancel, confirm, certificate)."""
    if is_staff(user):
        return True
    company = company_of(user)
    if company is not None and participant.company_id == company.pk:
        return True
    organisation = buyer_organisation_of(user)
    if organisation is not None and participant.buyer_organisation_id == organisation.pk:
        return True
    return (
        participant.kind == ParticipantKind.OFFICIAL
        and participant.registered_by_id is not None
        and participant.registered_by_id == getattr(user, "pk", None)
    )
