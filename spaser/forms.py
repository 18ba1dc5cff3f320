"""Filters of the SPASER dashboard: year and buyer (or group of buyers)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .groups import GROUPS, group_prefixes
from .selectors import buyer_choices

FIRST_YEAR = 2018


def year_choices() -> list[tuple[int, str]]:
    last = max(2026, dt.date.today().year)
    return [(y, str(y)) for y in range(last, FIRST_YEAR - 1, -1)]


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=year_choices)
    buyer = forms.ChoiceField(label=_("Acheteur"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [(slug, _(label)) for slug, (label, _prefixes) in GROUPS.items()]
        organisations = buyer_choices()
        self.fields["buyer"].choices = [
            ("", _("Tous les acheteurs du registre")),
            (_("Groupes"), groups),
            *([(_("Organisations acheteuses"), organisations)] if organisations else []),
        ]

    def prefixes(self) -> tuple[str, ...] | None:
        return group_prefixes(self.cleaned_data.get("buyer") or None)

    def buyer_label(self) -> str:
        value = self.cleaned_data.get("buyer") or ""
        for group_value, label in self.fields["buyer"].choices:
            if isinstance(label, list | tuple):
                for v, lab in label:
                    if v == value:
                        return str(lab)
            elif group_value == value:
                return str(label)
        return value
