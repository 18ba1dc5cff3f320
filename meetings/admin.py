from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ellipse.core.admin import EllipseModelAdmin
from ellipse.editions.admin import EditionAdmin

from .models import BuyerPreference, Meeting, MeetingChange, ScheduleRun
from .services import schedule_run_request


@admin.action(description=_("Calculer le planning des rendez-vous (tâche de fond)"))
def schedule(modeladmin, request, queryset):
    """Edition admin action, added here so that editions need not know meetings."""
    for edition in queryset:
        try:
            schedule_run_request(edition=edition, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Calcul lancé pour %(edition)s.") % {"edition": edition},
                    reverse("meetings:planning", args=[edition.year]),
                    _("Suivre l'avancement"),
                ),
                messages.SUCCESS,
            )


EditionAdmin.actions = [*EditionAdmin.actions, schedule]


@admin.register(Meeting)
class MeetingAdmin(EllipseModelAdmin):
    list_display = ["edition", "buyer", "slot", "company", "score", "locked", "status"]
    list_filter = ["edition", "status", "locked"]
    search_fields = ["buyer__name", "company__legal_name"]
    list_select_related = ["edition", "buyer", "company"]
    autocomplete_fields = ["buyer", "company"]
    readonly_fields = ["why"]
    fields = ["edition", "buyer", "company", "slot", "score", "why", "locked", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Additions and changes go through the planning page, whose services check conflicts
        # and record them.
        return False

    @admin.display(description=_("Pourquoi ces deux-là se rencontrent"))
    def why(self, obj: Meeting) -> str:
        from .reasons import meetings_reason_lines

        lines = meetings_reason_lines([obj], audience="staff")[obj.pk]
        return format_html_join("\n", "<p>{}</p>", ((line.text,) for line in lines))


@admin.register(BuyerPreference)
class BuyerPreferenceAdmin(EllipseModelAdmin):
    list_display = ["buyer", "company", "kind", "edition"]
    list_filter = ["edition", "kind"]
    list_select_related = ["buyer", "company", "edition"]
    autocomplete_fields = ["buyer", "company"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(EllipseModelAdmin):
    list_display = ["edition", "created_at", "status", "progress", "objective", "upper_bound"]
    list_filter = ["edition", "status"]
    list_select_related = ["edition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingChange)
class MeetingChangeAdmin(EllipseModelAdmin):
    list_display = ["created_at", "edition", "kind", "description", "created_by", "notified_at"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition", "created_by"]
    search_fields = ["description"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
