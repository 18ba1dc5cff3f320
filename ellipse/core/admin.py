"""The project's ModelAdmin base: every admin page of Ellipse derives from it."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models

AUDIT_FIELDS = ("created_at", "updated_at", "created_by", "updated_by")


class EllipseModelAdmin(admin.ModelAdmin):
    """Save buttons on top, audit fields read-only, ``list_select_related`` declared per page."""

    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        model_fields = {f.name for f in self.model._meta.get_fields()}
        fields += [f for f in AUDIT_FIELDS if f in model_fields and f not in fields]
        return fields

    def get_changeform_initial_data(self, request):
        """Prefill from the query string (Django's feature) but drop what the field cannot hold:
        ``?organisation=abc`` on an add page must not raise while rendering the select."""
        initial = super().get_changeform_initial_data(request)
        numeric = (models.ForeignKey, models.IntegerField, models.AutoField)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # not a model field: Django ignores it as well
                continue
            if isinstance(field, numeric) and not _is_id(initial[name]):
                del initial[name]
        return initial


def _is_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) < 2**63
