"""The invitations in the admin: the generated documents, and the page that sends an edition's
invitations and follows the batch (``admin:invitations_send``)."""

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from ellipse.core.admin import EllipseModelAdmin

from .admin_views import invitations_view
from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(EllipseModelAdmin):
    list_display = [
        "edition",
        "kind",
        "owner_id",
        "file_link",
        "size",
        "render_seconds",
        "generated_at",
    ]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition"]
    readonly_fields = [
        "edition",
        "kind",
        "owner_id",
        "file",
        "content_hash",
        "size",
        "render_seconds",
        "generated_at",
    ]
    change_list_template = "admin/invitations/generateddocument/change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("fichier"))
    def file_link(self, obj):
        return format_html("<code>{}</code>", obj.file.name)

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def send(request):
            return invitations_view(request, self)

        return [path("envoi/", wrap(send), name="invitations_send"), *super().get_urls()]
