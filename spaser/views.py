"""SPASER pages for elected officials and staff: dashboard, exports, COFIL report (read only)."""

import csv
import datetime as dt
import io

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ellipse.accounts.roles import Role
from ellipse.core.decorators import role_required
from ellipse.core.spreadsheets import neutralise_formula
from ellipse.editions.models import Edition

from .catalogue import ORIENTATIONS
from .charts import orientation_chart
from .forms import DashboardFilterForm
from .overview import spaser_overview
from .selectors import convention_figures, edition_funnel, figures_stamp, open_defects


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, int, tuple | None, str]:
    data = request.GET.copy()
    data.setdefault("year", str(dt.date.today().year - 1))
    form = DashboardFilterForm(data)
    if form.is_valid():
        return form, form.cleaned_data["year"], form.prefixes(), form.buyer_label()
    year = dt.date.today().year - 1
    return form, year, None, _("Tous les acheteurs du registre")


CACHE_SECONDS = 10 * 60


def _figures_key(*, year: int, prefixes: tuple | None, version: str) -> str:
    return f"spaser:figures:{year}:{','.join(prefixes or ())}:{version}"


def _chart_key(figures_key: str, number: int) -> str:
    return f"{figures_key}:chart:{number}"


def _figures(*, year: int, prefixes: tuple | None, version: str | None = None) -> dict:
    """Indicators, charts, funnels and the current edition's figures, cached for 10 minutes
    under a key that changes with any import, manual figure or registration (the stamps of
    ``selectors.FIGURES_NAMESPACES``), so new data shows at once. Each chart is also cached on
    its own for the image view."""
    key = _figures_key(year=year, prefixes=prefixes, version=version or figures_stamp())
    cached = cache.get(key)
    if cached is not None:
        return cached
    overview = spaser_overview(year=year, prefixes=prefixes)
    for orientation in overview["orientations"]:
        orientation["chart"] = orientation_chart(orientation["principal"])
    editions = list(Edition.objects.order_by("-year")[:5])
    current = Edition.objects.current()
    figures = {
        "overview": overview,
        "funnels": [(edition, edition_funnel(edition=edition)) for edition in editions],
        "edition": current,
        "figures": convention_figures(edition=current),
    }
    cache.set(key, figures, CACHE_SECONDS)
    cache.set_many(
        {_chart_key(key, o["number"]): o["chart"] for o in overview["orientations"]},
        CACHE_SECONDS,
    )
    return figures


def _query(form: DashboardFilterForm, year: int) -> str:
    """The filters as a query string, normalised (the same for every spelling of a request)."""
    buyer = form.cleaned_data.get("buyer", "") if form.is_valid() else ""
    return urlencode({"year": year, **({"buyer": buyer} if buyer else {})})


def _context(request: HttpRequest, *, version: str | None = None) -> dict:
    form, year, prefixes, buyer_label = _filters(request)
    figures = _figures(year=year, prefixes=prefixes, version=version)
    for orientation in figures["overview"]["orientations"]:
        orientation["chart"] = mark_safe(orientation["chart"])  # noqa: S308 (the PDF's, inline)
    return {
        "form": form,
        "year": year,
        "buyer_label": buyer_label,
        **figures,
        "query": _query(form, year),
    }


def _body_key(*, query: str, version: str) -> str:
    return f"spaser:dashboard:{get_language()}:{query}:{version}"


def _asked_query(request: HttpRequest) -> str | None:
    """The filters as asked, spelled the way ``_query`` spells them once valid (a valid year or
    buyer is cleaned to the very string sent), without validating them: only to look up a body
    cached from a valid form, which needs neither the form nor its 500 buyers. Any other
    spelling misses (and is validated). None for values too long to be valid."""
    year = request.GET.get("year", str(dt.date.today().year - 1))
    buyer = request.GET.get("buyer", "")
    if len(year) > 4 or len(buyer) > 40:
        return None
    return urlencode({"year": year, **({"buyer": buyer} if buyer else {})})


@role_required(Role.OFFICIAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Indicators against targets, one chart and table per orientation, the convention funnel.

    The page's body holds nothing personal (no form token, no message: those are in the base
    template): it is cached whole per filters and stamps, and only for valid filters, so a
    warm page reads two cache keys and builds no form."""
    version = figures_stamp()
    asked = _asked_query(request)
    body = cache.get(_body_key(query=asked, version=version)) if asked is not None else None
    if body is None:
        body = _dashboard_body(request, version=version)
    return render(request, "spaser/dashboard.html", {"body": mark_safe(body)})  # noqa: S308


def _dashboard_body(request: HttpRequest, *, version: str) -> str:
    """The body rendered, and cached when the filters are valid (a form with errors never is)."""
    context = _context(request, version=version)
    for orientation in context["overview"]["orientations"]:
        # An image, not inline markup: pygal's SVG carries its own <style>, which the page's
        # Content-Security-Policy (no inline style) would block; inside an image it is
        # isolated. Served by ``chart``, the stamp in its address for browsers' caches.
        orientation["chart_src"] = (
            reverse("spaser:chart", args=[orientation["number"]])
            + f"?{context['query']}&v={version}"
        )
    body = render_to_string("spaser/_dashboard_body.html", context)
    if context["form"].is_valid():
        cache.set(_body_key(query=context["query"], version=version), body, CACHE_SECONDS)
    return body


@role_required(Role.OFFICIAL)
def chart(request: HttpRequest, number: int) -> HttpResponse:
    """One orientation's chart as an SVG image, from the cached figures of the same filters."""
    if number not in ORIENTATIONS:
        raise Http404
    version = figures_stamp()
    _form, year, prefixes, _label = _filters(request)
    figures_key = _figures_key(year=year, prefixes=prefixes, version=version)
    svg = cache.get(_chart_key(figures_key, number))
    if svg is None:
        figures = _figures(year=year, prefixes=prefixes, version=version)
        svg = next(o["chart"] for o in figures["overview"]["orientations"] if o["number"] == number)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Private (officials only); the page links each chart with the stamp in its address, so a
    # new import gets a new address: the browser may keep one as long as the figures' cache.
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response


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
