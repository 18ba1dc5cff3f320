"""Figures of the convention that officials follow, computed from the database."""

from django.db.models import Count, Q

from buyers.enums import ContractStatus, Reservation, Visibility
from buyers.models import BuyerOrganisation, PlannedContract
from companies.enums import EssStatus, RegistrationStatus, SizeClass
from companies.models import Registration
from ellipse.editions.models import Edition


def convention_figures(*, edition: Edition | None) -> dict:
    """Registrations, retained companies and planned contracts of an edition, in 3 queries."""
    if edition is None:
        return {}
    regs = Registration.objects.filter(edition=edition).aggregate(
        registered=Count("pk"),
        retained=Count("pk", filter=Q(status=RegistrationStatus.RETAINED)),
        retained_local=Count(
            "pk", filter=Q(status=RegistrationStatus.RETAINED, company__is_local=True)
        ),
        retained_ess=Count(
            "pk",
            filter=Q(status=RegistrationStatus.RETAINED) & ~Q(company__ess_status=EssStatus.NONE),
        ),
        retained_small=Count(
            "pk",
            filter=Q(
                status=RegistrationStatus.RETAINED,
                company__size_class__in=[SizeClass.MICRO, SizeClass.ARTISAN],
            ),
        ),
    )
    contracts = (
        PlannedContract.objects.filter(year=edition.year)
        .exclude(status=ContractStatus.ABANDONED)
        .aggregate(
            total=Count("pk"),
            published=Count("pk", filter=Q(visibility=Visibility.PUBLISHED)),
            reserved=Count("pk", filter=~Q(reservation=Reservation.NONE)),
            social_clause=Count("pk", filter=Q(social_clause=True)),
            environmental=Count("pk", filter=Q(environmental_consideration=True)),
        )
    )
    buyers = BuyerOrganisation.objects.filter(participations__edition=edition).count()

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    return {
        "registrations": regs,
        "contracts": contracts,
        "buyers": buyers,
        "shares": {
            "retained": share(regs["retained"], regs["registered"]),
            "local": share(regs["retained_local"], regs["retained"]),
            "ess": share(regs["retained_ess"], regs["retained"]),
            "small": share(regs["retained_small"], regs["retained"]),
            "reserved": share(contracts["reserved"], contracts["total"]),
            "social_clause": share(contracts["social_clause"], contracts["total"]),
            "environmental": share(contracts["environmental"], contracts["total"]),
        },
    }
