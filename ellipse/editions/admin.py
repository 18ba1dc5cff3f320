from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ellipse.core.admin import EllipseModelAdmin

from .models import Edition


@admin.register(Edition)
class EditionAdmin(EllipseModelAdmin):
    list_display = ["title", "year", "date", "status", "registration_deadline", "slot_count"]
    list_filter = ["status"]
    search_fields = ["title", "venue"]
    fieldsets = (
        (None, {"fields": ("year", "title", "status", "date", "registration_deadline")}),
        (_("Lieu"), {"fields": ("venue", "venue_address", "access_info")}),
        (
            _("Matinée de rendez-vous"),
            {
                "fields": (
                    "morning_start",
                    "welcome_minutes",
                    "slot_minutes",
                    "slot_count",
                    "breaks",
                    "max_meetings_per_buyer",
                    "max_meetings_per_company",
                )
            },
        ),
        (_("Après-midi"), {"fields": ("afternoon_programme",)}),
        (
            _("Pondérations"),
            {
                "fields": (
                    "weight_ess",
                    "weight_small",
                    "weight_local",
                    "weight_mutual_wish",
                    "coverage_bonus",
                )
            },
        ),
        (_("Suivi"), {"fields": ("created_at", "updated_at")}),
    )
