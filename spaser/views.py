"""SPASER pages for elected officials and staff: dashboard, exports, COFIL report (read only)."""

import base64
import csv
import datetime as dt
import io

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.core.spreadsheets import neutralise_formula
from ellipse.editions.models import Edition

from .charts import orientation_chart
from .forms import DashboardFilterForm
from .overview import spaser_overview
from .selectors import convention_figures, data_stamp, edition_funnel, open_defects


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, int, tuple | None, str]:
    data = request.GET.copy()
    data.setdefault("year", str(dt.date.today().year - 1))
    form = DashboardFilterForm(data)
    if form.is_valid():
        return form, form.cleaned_data["year"], form.prefixes(), form.buyer_label()
    year = dt.date.today().year - 1
    return form, year, None, _("Tous les acheteurs du registre")


CACHE_SECONDS = 10 * 60


def _figures(*, year: int, prefixes: tuple | None) -> dict:
    """Indicators, charts and funnels, cached for 10 minutes under a key that changes with any
    import, manual figure or registration, so new data shows at once."""
    key = f"spaser:figures:{year}:{','.join(prefixes or ())}:{data_stamp()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    overview = spaser_overview(year=year, prefixes=prefixes)
    for orientation in overview["orientations"]:
        orientation["chart"] = orientation_chart(orientation["principal"])
    editions = list(Edition.objects.order_by("-year")[:5])
    figures = {
        "overview": overview,
        "funnels": [(edition, edition_funnel(edition=edition)) for edition in editions],
    }
    cache.set(key, figures, CACHE_SECONDS)
    return figures


def _context(request: HttpRequest) -> dict:
    form, year, prefixes, buyer_label = _filters(request)
    figures = _figures(year=year, prefixes=prefixes)
    for orientation in figures["overview"]["orientations"]:
        # An image, not inline markup: pygal's SVG carries its own <style>, which the page's
        # Content-Security-Policy (no inline style) would block; inside an image it is isolated.
        encoded = base64.b64encode(orientation["chart"].encode()).decode()
        orientation["chart_src"] = f"data:image/svg+xml;base64,{encoded}"
        orientation["chart"] = mark_safe(orientation["chart"])  # noqa: S308 (the PDF's, inline)
    current = Edition.objects.current()
    return {
        "form": form,
        "year": year,
        "buyer_label": buyer_label,
        **figures,
        "edition": current,
        "figures": convention_figures(edition=current),
        "query": request.GET.urlencode(),
    }


@role_required(Role.OFFICIAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Indicators against targets, one chart and table per orientation, the convention funnel."""
    return render(request, "spaser/dashboard.html", _context(request))


def _export_rows(context: dict) -> list[list]:
    overview = context["overview"]
    header = [
        _("Orientation"),
        _("Code"),
        _("Indicateur"),
        _("Année"),
        _("Acheteurs"),
        _("Valeur"),
        _("Unité"),
        _("Référence 2023"),
        _("Trajectoire pour l'année"),
        _("Cible 2026"),
        _("Cible PNAD 2025"),
        _("Donnée manquante"),
        _("Définition"),
        _("Date des données"),
    ]
    rows = [header]
    for orientation in overview["orientations"]:
        for row in orientation["rows"]:
            rows.append(
                [
                    orientation["number"],
                    row.indicator.key,
                    row.label,
                    context["year"],
                    context["buyer_label"],
                    None if row.value is None else float(row.value),
                    row.indicator.unit,
                    row.baseline,
                    row.trajectory_value,
                    row.target,
                    row.pnad,
                    row.missing,
                    row.definition,
                    overview["data_date"].isoformat() if overview["data_date"] else "",
                ]
            )
    return rows


@role_required(Role.OFFICIAL)
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every indicator as CSV (semicolon, UTF-8 with BOM for spreadsheets), formulas neutralised."""
    context = _context(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in _export_rows(context):
        writer.writerow(["" if v is None else neutralise_formula(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="spaser-{context["year"]}.csv"'
    return response


@role_required(Role.OFFICIAL)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """Every indicator as an XLSX sheet, text cells neutralised against formula injection."""
    from openpyxl import Workbook

    context = _context(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"SPASER {context['year']}"
    for row in _export_rows(context):
        sheet.append([neutralise_formula(v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="spaser-{context["year"]}.xlsx"'
    return response


@role_required(Role.OFFICIAL)
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The annual COFIL report: definitions, values, targets, trajectory, funnel, open defects."""
    from ellipse.pdf import pdf_render

    context = _context(request)
    context["defects"] = list(open_defects())
    pdf = pdf_render(template="spaser/report_pdf.html", context=context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-spaser-{context["year"]}.pdf"'
    return response
