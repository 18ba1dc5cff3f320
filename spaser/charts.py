"""Server-side SVG charts (pygal): the same markup goes into the dashboard and the COFIL PDF.

No JavaScript, nothing fetched: ``js=[]`` drops pygal's CDN script. Series differ by line style
and marker as well as colour (achieved: solid line with dots; trajectory: dashed, no dots), and
every chart is accompanied by its data table in the page.
"""

from __future__ import annotations

import re
import sys

from django.utils.translation import gettext as _

from .catalogue import SHARE, trajectory

YEARS = (2023, 2024, 2025, 2026)


def _scaled(value, unit: str) -> float | None:
    if value is None:
        return None
    return round(float(value) * 100, 1) if unit == SHARE else float(value)


def _pygal():
    """Import pygal and drop the legacy import hook it adds for ``pygal.maps`` plugins: that
    hook only has ``find_module`` and makes every later failed import warn (Python 3.11)."""
    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def orientation_chart(row) -> str:
    """Line chart of an indicator 2023–2026: achieved values and the path to the 2026 target."""
    pygal = _pygal()
    from pygal.style import Style

    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1e1e1e",
        foreground_strong="#1e1e1e",
        foreground_subtle="#555",
        colors=("#000091", "#b34000"),
        font_family="DejaVu Sans, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        title_font_size=15,
    )
    unit = row.indicator.unit
    chart = pygal.Line(
        js=[],
        style=style,
        width=560,
        height=300,
        show_legend=True,
        legend_at_bottom=True,
        disable_xml_declaration=True,
        explicit_size=False,
        print_values=True,
        allow_interruptions=True,
        title=_(row.indicator.label),
        y_title=_("%") if unit == SHARE else None,
        min_scale=3,
        max_scale=6,
        range=(0, 100) if unit == SHARE else None,
        include_x_axis=True,
        value_formatter=lambda v: f"{v:,.1f}".replace(",", " ") if v is not None else "—",
    )
    chart.x_labels = [str(y) for y in YEARS]
    chart.add(
        _("Réalisé"),
        [_scaled(row.by_year.get(y), unit) for y in YEARS],
        show_dots=True,
        dots_size=5,
    )
    path = trajectory(row.indicator)
    if path:
        chart.add(
            _("Trajectoire vers la cible 2026"),
            [_scaled(path[y], unit) for y in YEARS],
            show_dots=False,
            stroke_style={"width": 3, "dasharray": "8, 6"},
        )
    # pygal always embeds its config as an inline script for its (absent) JS: drop it.
    return re.sub(r"<script[^>]*>.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
