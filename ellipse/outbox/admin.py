from django.contrib import admin

from ellipse.core.admin import EllipseModelAdmin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(EllipseModelAdmin):
    list_display = [
        "to",
        "subject",
        "template",
        "batch",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "category", "template"]
    search_fields = ["to", "subject", "batch"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "to",
        "recipient",
        "template",
        "context",
        "subject",
        "category",
        "batch",
        "dedup_key",
        "attachments",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
