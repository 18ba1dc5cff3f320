"""The planning grid's row, written out once for the whole page and for the rows htmx redraws
after an edit (``{% planning_row row planning_url %}``).

A page shows 25 rows of up to 24 cells: rendered here in Python from the data the selector
prepared (:class:`meetings.selectors_grid.Row`), not by a template's nested ifs, so that an
uncached page stays cheap."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..selectors_grid import Cell, Row

register = template.Library()


class _Texts:
    """The row's translated words, looked up once per row rather than once per cell."""

    def __init__(self) -> None:
        self.locked = _("verrouillé")
        self.draft = _("brouillon")
        self.free = _("libre")
        self.add = _("ajouter un rendez-vous")
        self.unavailable = _("indisponible")
        self.reasons = _("Raisons et actions")
        self.count = _("%(a)s / %(b)s rendez-vous")
        self.score = _("pertinence %(score)s")
        self.details = _('Détails<span class="visually-hidden"> : %(company)s, %(slot)s</span>')


def _message(cell: Cell) -> str:
    if not cell.message:
        return ""
    return format_html(
        '<p class="cell-message cell-message-{}" tabindex="-1" data-planning-focus>{}</p>',
        cell.message_level,
        cell.message,
    )


def _meeting_cell(cell: Cell, texts: _Texts, url: str) -> str:
    meeting = cell.meeting
    company = escape(str(meeting.company))
    draft = meeting.status == "draft"
    badges = ""
    if meeting.locked:
        badges += f'<span class="badge">{escape(texts.locked)}</span>'
    if draft:
        badges += f'<span class="badge">{escape(texts.draft)}</span>'
    score = escape(texts.score % {"score": floatformat(meeting.score, 2)})
    summary = texts.details % {"company": company, "slot": escape(cell.slot.label)}
    detail_url = f"{url}rdv/{meeting.pk}/"
    css = ' class="draft"' if draft else ""
    return (
        f'<td id="rdv-{meeting.pk}"{css}>'
        f"<strong>{company}</strong><br><small>{score}</small>{badges}{_message(cell)}"
        f'<details hx-get="{detail_url}" hx-trigger="toggle once" hx-target="find .cell-detail"'
        f' hx-disinherit="*"><summary>{summary}</summary>'
        f'<div class="cell-detail"><a href="{detail_url}">{escape(texts.reasons)}</a></div>'
        "</details></td>"
    )


def _free_cell(cell: Cell, buyer_id: int, texts: _Texts, url: str) -> str:
    index = cell.slot.index
    if cell.available:
        inside = (
            f'<a href="{url}ajouter/?acheteur={buyer_id}&amp;creneau={index}">'
            f'{escape(texts.free)}<span class="visually-hidden"> : {escape(texts.add)}</span></a>'
        )
    else:
        inside = escape(texts.unavailable)
    return f'<td id="creneau-{buyer_id}-{index}" class="free">{inside}{_message(cell)}</td>'


def planning_row_html(row: Row, planning_url: str, *, oob: bool = False) -> SafeString:
    """The ``<tr>`` of a buyer's row; ``oob`` for an htmx out-of-band swap."""
    texts = _Texts()
    url = conditional_escape(planning_url)
    buyer = row.buyer
    table = row.participation.table
    table = f"<br><small>{escape(table)}</small>" if table else ""
    count = escape(texts.count % {"a": row.meeting_count, "b": row.capacity})
    cells = "".join(
        _meeting_cell(cell, texts, url)
        if cell.meeting is not None
        else _free_cell(cell, buyer.pk, texts, url)
        for cell in row.cells
    )
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr id="acheteur-{buyer.pk}"{swap}><th scope="row">{escape(buyer.name)}{table}'
        f"<br><small>{count}</small></th>{cells}</tr>\n"
    )


@register.simple_tag
def planning_row(row: Row, planning_url: str, oob: bool = False) -> SafeString:
    return planning_row_html(row, planning_url, oob=oob)
