"""The project's ModelAdmin base: every admin page of Ellipse derives from it."""

from django.contrib import admin

AUDIT_FIELDS = ("created_at", "updated_at", "created_by", "updated_by")


class EllipseModelAdmin(admin.ModelAdmin):
    """Save buttons on top, audit fields read-only, ``list_select_related`` declared per page."""

    save_on_top = True
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        model_fields = {f.name for f in self.model._meta.get_fields()}
        fields += [f for f in AUDIT_FIELDS if f in model_fields and f not in fields]
        return fields
