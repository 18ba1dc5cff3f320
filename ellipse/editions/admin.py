from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ellipse.core.admin import EllipseModelAdmin

from .fields import AFTERNOON_FIELDS, MORNING_FIELDS, VENUE_FIELDS, WEIGHT_FIELDS
from .models import Edition
from .services import edition_copy_settings


@admin.register(Edition)
class EditionAdmin(EllipseModelAdmin):
    list_display = [
        "title",
        "year",
        "date",
        "status",
        "phase",
        "registration_deadline",
        "slot_count",
        "planning_link",
    ]
    list_filter = ["status"]
    search_fields = ["title", "venue"]
    actions = ["copy_settings"]  # the meetings admin adds "schedule"
    fieldsets = (
        (None, {"fields": ("year", "title", "status", "date", "registration_deadline")}),
        (_("Lieu"), {"fields": VENUE_FIELDS}),
        (_("Matinée de rendez-vous"), {"fields": MORNING_FIELDS}),
        (_("Après-midi"), {"fields": AFTERNOON_FIELDS}),
        (_("Pondérations"), {"fields": WEIGHT_FIELDS}),
        (_("Suivi"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_phase()

    @admin.display(description=_("phase"))
    def phase(self, obj: Edition) -> str:
        return obj.phase.label

    @admin.display(description=_("planning"))
    def planning_link(self, obj: Edition) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("meetings:planning", args=[obj.year]),
            _("Grille des rendez-vous"),
        )

    @admin.action(description=_("Copier les réglages dans une nouvelle édition"))
    def copy_settings(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choisissez une seule édition à copier."), messages.ERROR)
            return
        try:
            edition = edition_copy_settings(source=queryset.get())
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Édition %(year)d créée avec les mêmes réglages.") % {"year": edition.year},
                reverse("admin:editions_edition_change", args=[edition.pk]),
                _("Vérifiez ses dates."),
            ),
            messages.SUCCESS,
        )
