from django.contrib import admin

from ellipse.core.admin import EllipseModelAdmin

from .models import MeetingOutcome, OutcomeRequest


@admin.register(MeetingOutcome)
class MeetingOutcomeAdmin(EllipseModelAdmin):
    list_display = ("meeting", "side", "status", "absence", "updated_at")
    list_filter = ("side", "status", "meeting__edition")
    list_select_related = ("meeting__buyer", "meeting__company")
    raw_id_fields = ("meeting",)
    search_fields = ("meeting__company__legal_name", "meeting__buyer__name", "comment")


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(EllipseModelAdmin):
    list_display = ("email", "side", "edition", "company", "buyer", "sent_at", "reminded_at")
    list_filter = ("side", "edition")
    list_select_related = ("edition", "company", "buyer")
    raw_id_fields = ("company", "buyer")
    search_fields = ("email",)
