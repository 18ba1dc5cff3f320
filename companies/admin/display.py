"""Small display helpers shared by the companies' admin pages."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from import_export.formats.base_formats import CSV, XLSX

from ellipse.editions.models import Edition

SPREADSHEET_FORMATS = [XLSX, CSV]


def local(value: dt.datetime, fmt: str) -> str:
    """``value`` in the site's time zone, formatted with ``fmt``."""
    return date_format(timezone.localtime(value), fmt)


def current_edition_id() -> int | None:
    edition = Edition.objects.current()
    return edition.pk if edition else None
