"""``{% staff_dashboard as dashboard %}``: the admin home's view of the current edition."""

from django import template

from ellipse.core.dashboard import Dashboard, staff_dashboard

register = template.Library()


@register.simple_tag
def staff_dashboard_for_current() -> Dashboard:
    return staff_dashboard()
