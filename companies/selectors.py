"""Reads of companies/ that several places need, with their joins decided once."""

from ellipse.editions.models import Edition

from .models import Company, Registration


def registration_current(*, company: Company) -> Registration | None:
    """The company's registration to the current edition, if it has one."""
    edition = Edition.objects.current()
    if edition is None:
        return None
    return (
        Registration.objects.filter(company=company, edition=edition)
        .select_related("edition", "company")
        .first()
    )
