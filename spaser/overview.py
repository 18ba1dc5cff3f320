"""Every SPASER indicator for a year and a buyer filter: value or missing data, target, trajectory.

One function, ``spaser_overview``, feeds the dashboard, the CSV/XLSX exports and the COFIL PDF,
so the three always show the same figures. Its query count does not depend on the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .catalogue import (
    DECP,
    ELLIPSE,
    HEADLINE,
    INDICATORS,
    MANUAL,
    ORIENTATIONS,
    Indicator,
    trajectory,
)
from .selectors import data_date, manual_values, register_indicators_by_year

YEARS = (2023, 2024, 2025, 2026)
PRINCIPAL = {
    1: "environmental_share",
    2: "energy_renovations",
    3: "reserved",
    4: "social_over_40k_share",
    5: "ellipse_holders",
    6: "mutualised",
    7: "modified",
    8: "innovative_amount_ht",
    9: "citizen_participation",
}


@dataclass
class Row:
    indicator: Indicator
    value: float | Decimal | int | None
    missing: str
    baseline: float | None
    target: float | None
    pnad: float | None
    trajectory_value: float | None  # where the linear path 2023 → 2026 stands for the year
    by_year: dict[int, float | Decimal | int | None]

    @property
    def label(self) -> str:
        return _(self.indicator.label)

    @property
    def definition(self) -> str:
        return _(self.indicator.definition)


def trained_people_per_year() -> dict[int, int] | None:
    """Agents and elected officials trained per year, from the trainings module's attendance."""
    from trainings.selectors import people_trained_per_year

    totals: dict[int, int] = {}
    for audience in ("agents", "officials"):
        for year, count in people_trained_per_year(audience=audience).items():
            totals[year] = totals.get(year, 0) + count
    return totals


def spaser_overview(*, year: int, prefixes: tuple[str, ...] | None) -> dict:
    """Rows per orientation for ``year``, each with its values 2023–2026, plus the data date."""
    years = sorted(set(YEARS) | {year})
    register = register_indicators_by_year(years=years, prefixes=prefixes)
    manual = manual_values(years=years, prefixes=prefixes)
    trained = trained_people_per_year()

    def value_of(indicator: Indicator, y: int):
        if indicator.source in (DECP, ELLIPSE):
            figures = register[y]
            if not figures["contracts"]:
                return None, _(
                    "Aucun marché notifié en %(year)s n'est importé dans le registre."
                ) % {"year": y}
            value = figures[indicator.key]
            if value is None:
                return None, _("Rien à rapporter : le dénominateur est nul.")
            return value, ""
        if (y, indicator.key) in manual:
            return manual[(y, indicator.key)], ""
        if indicator.key == "trained_people" and trained is not None and y in trained:
            return trained[y], ""
        return None, _(indicator.missing) or _("Donnée à saisir.")

    orientations = []
    for number, title in ORIENTATIONS.items():
        rows = []
        for indicator in (i for i in INDICATORS if i.orientation == number):
            value, missing = value_of(indicator, year)
            path = trajectory(indicator)
            rows.append(
                Row(
                    indicator=indicator,
                    value=value,
                    missing=missing,
                    baseline=indicator.baseline_2023,
                    target=indicator.target_2026,
                    pnad=indicator.pnad_2025,
                    trajectory_value=path.get(year) if path else None,
                    by_year={y: value_of(indicator, y)[0] for y in YEARS},
                )
            )
        orientations.append(
            {
                "number": number,
                "title": _(title),
                "rows": rows,
                "principal": next(r for r in rows if r.indicator.key == PRINCIPAL[number]),
            }
        )
    return {
        "year": year,
        "orientations": orientations,
        "register": register[year],
        "headline": [
            row for o in orientations for row in o["rows"] if row.indicator.key in HEADLINE
        ],
        "data_date": data_date(),
        "generated_on": dt.date.today(),
        "manual_source": MANUAL,
    }
