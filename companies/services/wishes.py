"""Writes of companies/: one entry point per business operation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buyers.enums import ContractStatus, Visibility
from buyers.models import BuyerOrganisation, PlannedContract

from ..models import Registration, Wish


@transaction.atomic
def wish_toggle(
    *,
    registration: Registration,
    organisation: BuyerOrganisation,
    planned_contract: PlannedContract | None = None,
) -> bool:
    """Add the wish if absent, remove it if present; returns whether it now exists.

    Only published planned contracts of that buyer can be wished, and only until the edition's
    registration deadline."""
    if not registration.edition.registration_is_open:
        raise ValidationError(
            _("Les inscriptions sont closes : vos souhaits ne peuvent plus changer.")
        )
    if planned_contract is not None and (
        planned_contract.organisation_id != organisation.pk
        or planned_contract.visibility != Visibility.PUBLISHED
        or planned_contract.status in (ContractStatus.DRAFT, ContractStatus.ABANDONED)
    ):
        raise ValidationError(_("Ce marché prévisionnel n'est pas publié."))
    existing = Wish.objects.filter(
        registration=registration, organisation=organisation, planned_contract=planned_contract
    )
    if existing.exists():
        existing.delete()
        return False
    Wish.objects.create(
        registration=registration, organisation=organisation, planned_contract=planned_contract
    )
    return True
