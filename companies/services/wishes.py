"""Writes of companies/: one entry point per business operation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buyers.models import BuyerOrganisation, PlannedContract

from ..models import Registration, Wish
from ..selectors import wish_refusal


@transaction.atomic
def wish_toggle(
    *,
    registration: Registration,
    organisation: BuyerOrganisation,
    planned_contract: PlannedContract | None = None,
) -> bool:
    """Add the wish if absent, remove it if present; returns whether it now exists.

    Only what ``companies.selectors.wish_refusal`` allows (a buyer taking part in the edition,
    a published planned contract of its year), and only until the registration deadline."""
    if not registration.edition.registration_is_open:
        raise ValidationError(
            _("Les inscriptions sont closes : vos souhaits ne peuvent plus changer.")
        )
    existing = Wish.objects.filter(
        registration=registration, organisation=organisation, planned_contract=planned_contract
    )
    if existing.exists():  # removing a wish is always allowed
        existing.delete()
        return False
    refusal = wish_refusal(
        edition=registration.edition, organisation=organisation, planned_contract=planned_contract
    )
    if refusal:
        raise ValidationError(refusal, code="wish_refused")
    Wish.objects.create(
        registration=registration, organisation=organisation, planned_contract=planned_contract
    )
    return True
