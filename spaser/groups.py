"""Buyer groups of the dashboard filters: Est Ensemble, each of its 9 cities, the territory, all.

No Django import. A group is a tuple of SIREN (9 digits) or SIRET (14 digits) prefixes matched
against the buyer SIRET of a contract. SIRENs from ``shared/data/territoire`` (INSEE COG;
Bagnolet, Bobigny, Bondy and Le Pré-Saint-Gervais derived from the communes' numbering rule).
"""

from __future__ import annotations

import re


def _(text: str) -> str:
    return text


EST_ENSEMBLE_SIREN = "200057875"
CITIES = (
    ("bagnolet", "Bagnolet", "219300068"),
    ("bobigny", "Bobigny", "219300084"),
    ("bondy", "Bondy", "219300100"),
    ("les-lilas", "Les Lilas", "219300456"),
    ("montreuil", "Montreuil", "219300480"),
    ("noisy-le-sec", "Noisy-le-Sec", "219300530"),
    ("pantin", "Pantin", "219300555"),
    ("le-pre-saint-gervais", "Le Pré-Saint-Gervais", "219300613"),
    ("romainville", "Romainville", "219300639"),
)

GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "est-ensemble": (_("Est Ensemble seul"), (EST_ENSEMBLE_SIREN,)),
    "territoire": (
        _("Est Ensemble et les 9 villes"),
        (EST_ENSEMBLE_SIREN, *(siren for _slug, _name, siren in CITIES)),
    ),
    **{slug: (name, (siren,)) for slug, name, siren in CITIES},
}


def group_prefixes(value: str | None) -> tuple[str, ...] | None:
    """Prefixes for a group slug or a SIRET/SIREN; None for « all buyers »; ValueError otherwise."""
    if not value:
        return None
    if value in GROUPS:
        return GROUPS[value][1]
    if re.fullmatch(r"\d{9}|\d{14}", value):
        return (value,)
    raise ValueError(value)
