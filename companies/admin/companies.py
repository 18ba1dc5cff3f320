"""Companies in the admin, with their spreadsheet import and export."""

from django.contrib import admin
from import_export.admin import ImportExportMixin

from ellipse.core.admin import EllipseModelAdmin, EllipseTabularInline, ExportFiltersMixin
from ellipse.core.import_formats import BOUNDED_FORMATS, BoundedImportMixin

from ..models import Company, CompanyMembership
from ..resources import CompanyResource
from .display import SPREADSHEET_FORMATS


class CompanyMembershipInline(EllipseTabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(BoundedImportMixin, ExportFiltersMixin, ImportExportMixin, EllipseModelAdmin):
    list_display = ["legal_name", "siret", "size_class", "ess_status", "commune", "is_local"]
    list_filter = ["size_class", "ess_status", "is_local"]
    search_fields = ["legal_name", "trade_name", "siret", "keywords"]
    autocomplete_fields = ["cpv_codes"]
    inlines = [CompanyMembershipInline]
    resource_classes = [CompanyResource]
    formats = SPREADSHEET_FORMATS
    # Read by the project's bounded reader (row, column and size limits).
    import_formats = BOUNDED_FORMATS
    export_formats = SPREADSHEET_FORMATS
