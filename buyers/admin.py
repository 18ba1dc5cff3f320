from django.contrib import admin

from ellipse.core.admin import EllipseModelAdmin

from .models import (
    BuyerMembership,
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
    PlannedContractLot,
)


@admin.register(CpvCode)
class CpvCodeAdmin(EllipseModelAdmin):
    list_display = ["code", "check_digit", "label", "level", "division"]
    list_filter = ["level"]
    search_fields = ["code", "label"]


class BuyerMembershipInline(admin.TabularInline):
    model = BuyerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(BuyerOrganisation)
class BuyerOrganisationAdmin(EllipseModelAdmin):
    list_display = ["name", "kind", "siret", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "siret"]
    inlines = [BuyerMembershipInline]


class LotInline(admin.TabularInline):
    model = PlannedContractLot
    extra = 0
    autocomplete_fields = ["cpv"]


@admin.register(PlannedContract)
class PlannedContractAdmin(EllipseModelAdmin):
    list_display = [
        "reference",
        "title",
        "organisation",
        "year",
        "cpv_main",
        "estimated_amount",
        "publication_quarter",
        "status",
        "visibility",
    ]
    list_filter = ["year", "status", "visibility", "reservation", "social_clause", "organisation"]
    search_fields = ["reference", "title", "description", "organisation__name"]
    list_select_related = ["organisation", "cpv_main"]
    autocomplete_fields = ["organisation", "cpv_main", "cpv_extra"]
    inlines = [LotInline]


@admin.register(BuyerParticipation)
class BuyerParticipationAdmin(EllipseModelAdmin):
    list_display = ["organisation", "edition", "max_meetings", "table"]
    list_filter = ["edition"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "edition"]
    autocomplete_fields = ["organisation"]
