"""Writes of editions: copying last year's settings into a new edition."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import EditionStatus
from .fields import COPIED_FIELDS
from .models import Edition


def _shift_years(value, years: int):
    """The same day ``years`` later (a date or a datetime; 29 February becomes the 28th)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def edition_copy_settings(
    *,
    source: Edition,
    year: int | None = None,
    date: dt.date | None = None,
    registration_deadline: dt.datetime | None = None,
) -> Edition:
    """A new edition (in preparation) with ``source``'s grid, venue and weights. Without dates,
    the source's are moved to ``year`` (by default the year after the source)."""
    year = year or source.year + 1
    if Edition.objects.filter(year=year).exists():
        raise ValidationError(_("Une édition %(year)d existe déjà.") % {"year": year})
    shift = year - source.year
    date = date or _shift_years(source.date, shift)
    registration_deadline = registration_deadline or _shift_years(
        source.registration_deadline, shift
    )
    edition = Edition(
        year=year,
        title=f"Portes ouvertes de la commande publique {year}",
        date=date,
        registration_deadline=registration_deadline,
        status=EditionStatus.DRAFT,
        **{name: getattr(source, name) for name in COPIED_FIELDS},
    )
    edition.full_clean()
    edition.save()
    return edition
