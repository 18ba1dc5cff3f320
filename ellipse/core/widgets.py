"""Form widgets of the project.

``LongSelect``: a ``<select>`` of many options (the catalogue's 230 buyers and 45 CPV divisions)
rendered in one pass in Python, the same markup as Django's ``Select`` without one template
render per option (572 options took ~40 ms through the widget templates)."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class LongSelect(forms.Select):
    """A single ``<select>`` without option groups; values and labels are escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        flat = format_html_join(
            "",
            "{}{}",
            (
                (format_html(" {}", key), "" if value is True else format_html('="{}"', value))
                for key, value in final_attrs.items()
                if value is not False and value is not None
            ),
        )
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), SELECTED if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flat, options)
