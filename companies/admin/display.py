"""Small display helpers shared by the companies' admin pages."""

import datetime as dt
import functools

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from ellipse.editions.models import Edition

SPREADSHEET_FORMATS = [XLSX, CSV]


@functools.cache
def _labels(choices: type[models.Choices]) -> dict:
    return dict(choices.choices)  # lazy labels: translated when shown


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The label of a stored choice, translated now. A list column computes it with a dict
    lookup: Django's display of a ``choices`` field hashes every (lazy) label of the field for
    every row, and a lazy label is translated again at each comparison the list makes."""
    return str(_labels(choices).get(value, value))


def local(value: dt.datetime, fmt: str) -> str:
    """``value`` in the site's time zone, formatted with ``fmt``."""
    return date_format(timezone.localtime(value), fmt)


def current_edition_id() -> int | None:
    edition = Edition.objects.current()
    return edition.pk if edition else None


def schedule_published_warning(edition: Edition) -> SafeString:
    """For staff retaining a company once the schedule is out: it has no meeting until the
    freed slots are filled (the planning page runs the solver on free slots only)."""
    return format_html(
        '{} <a href="{}">{}</a>',
        _(
            "Le planning de « %(edition)s » est déjà publié : une entreprise retenue maintenant "
            "n'a aucun rendez-vous. Complétez le planning en remplissant seulement les créneaux "
            "libres, puis publiez les nouveaux rendez-vous ; l'entreprise voit dans son espace "
            "qu'elle n'a pas encore de rendez-vous."
        )
        % {"edition": edition},
        reverse("meetings:planning", args=[edition.year]),
        _("Ouvrir le planning"),
    )
