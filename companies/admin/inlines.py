"""Inlines of a registration's admin page: calls, status history, wishes."""

from django.utils.translation import gettext_lazy

from ellipse.core.admin import EllipseTabularInline

from ..models import CallLog, StatusChange, Wish
from .forms import CallLogForm


class CallLogInline(EllipseTabularInline):
    """Past calls are read-only; a new call is recorded through the service."""

    model = CallLog
    form = CallLogForm
    extra = 1
    fields = ["called_at", "called_by", "outcome", "callback_at", "notes", "topics"]
    readonly_fields = ["called_by"]
    can_delete = False
    verbose_name = gettext_lazy("appel")
    verbose_name_plural = gettext_lazy("journal d'appels")

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("called_by")


class StatusChangeInline(EllipseTabularInline):
    model = StatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("historique des statuts")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class WishInline(EllipseTabularInline):
    model = Wish
    extra = 0
    autocomplete_fields = ["organisation", "planned_contract"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "planned_contract")
