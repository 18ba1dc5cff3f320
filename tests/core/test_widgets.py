"""LongSelect renders what Django's Select renders, escaped, without a template per option."""

import re

from django import forms

from ellipse.core.widgets import LongSelect

CHOICES = [("", "Tous"), (1, "Ville <de> Montreuil"), (2, "Est Ensemble & co")]


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_long_select_renders_like_django_select():
    for value in (None, "", 2, "2"):
        attrs = {"id": "id_org", "aria-describedby": "id_org_helptext"}
        expected = forms.Select(choices=CHOICES).render("org", value, attrs=attrs)
        assert LongSelect(choices=CHOICES).render("org", value, attrs=attrs) == _squeeze(expected)


def test_long_select_escapes_values_and_labels():
    html = LongSelect(choices=[('"><script>', "<b>")]).render("x", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;" in html and "&quot;&gt;&lt;script&gt;" in html
