from django.contrib import admin

from ellipse.core.admin import EllipseModelAdmin

from .models import BuyerPreference, Meeting


@admin.register(Meeting)
class MeetingAdmin(EllipseModelAdmin):
    list_display = ["edition", "buyer", "slot", "company", "score", "locked", "status"]
    list_filter = ["edition", "status", "locked"]
    search_fields = ["buyer__name", "company__legal_name"]
    list_select_related = ["edition", "buyer", "company"]
    autocomplete_fields = ["buyer", "company"]


@admin.register(BuyerPreference)
class BuyerPreferenceAdmin(EllipseModelAdmin):
    list_display = ["buyer", "company", "kind", "edition"]
    list_filter = ["edition", "kind"]
    list_select_related = ["buyer", "company", "edition"]
    autocomplete_fields = ["buyer", "company"]
