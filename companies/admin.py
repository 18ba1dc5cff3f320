from django.contrib import admin

from ellipse.core.admin import EllipseModelAdmin

from .models import Company, CompanyMembership, Registration, Wish


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(EllipseModelAdmin):
    list_display = ["legal_name", "siret", "size_class", "ess_status", "commune", "is_local"]
    list_filter = ["size_class", "ess_status", "is_local"]
    search_fields = ["legal_name", "trade_name", "siret", "keywords"]
    autocomplete_fields = ["cpv_codes"]
    inlines = [CompanyMembershipInline]


class WishInline(admin.TabularInline):
    model = Wish
    extra = 0
    autocomplete_fields = ["organisation", "planned_contract"]


@admin.register(Registration)
class RegistrationAdmin(EllipseModelAdmin):
    list_display = ["company", "edition", "status", "created_at"]
    list_filter = [
        "edition",
        "status",
        "company__size_class",
        "company__ess_status",
        "company__is_local",
    ]
    search_fields = ["company__legal_name", "company__trade_name", "company__siret"]
    list_select_related = ["company", "edition"]
    autocomplete_fields = ["company"]
    inlines = [WishInline]
