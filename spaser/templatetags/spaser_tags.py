"""Display of indicator values: shares as percentages, amounts in euros, French spacing."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from spaser.catalogue import AMOUNT, SHARE

register = template.Library()


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


@register.filter
def indicator_value(value, unit: str) -> str:
    """« 35,0 % », « 1 234 567,00 € », « 66 000 »; « — » when there is no value."""
    if value is None:
        return "—"
    if unit == SHARE:
        return _("%(value)s %%") % {"value": _number(float(value) * 100, 1)}
    if unit == AMOUNT or (isinstance(value, Decimal) and value != value.to_integral_value()):
        return _("%(value)s €") % {"value": _number(float(value), 2)}
    return _number(float(value), 0)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
