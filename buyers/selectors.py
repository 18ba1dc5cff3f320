"""Reads of buyers/ that several places need, with their joins decided once."""

from django.db.models import QuerySet

from .models import BuyerOrganisation, PlannedContract


def planned_contracts_for_organisation(
    *, organisation: BuyerOrganisation, year: int | None = None
) -> QuerySet[PlannedContract]:
    qs = (
        PlannedContract.objects.filter(organisation=organisation)
        .select_related("cpv_main")
        .order_by("-year", "reference")
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs
