"""The call queue: registrations still to qualify, callbacks due first."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.core.admin import EllipseModelAdmin

from ..enums import CallOutcome, RegistrationStatus
from ..models import CallQueueEntry
from ..selectors import call_queue_order, registrations_to_call
from .display import choice_label, local


@admin.register(CallQueueEntry)
class CallQueueAdmin(EllipseModelAdmin):
    """Registrations still to qualify: callbacks due first, then by registration date."""

    list_display = [
        "company_link",
        "phone",
        "status_label",
        "last_call",
        "callback",
        "created_at",
    ]
    list_display_links = None
    list_filter = ["edition", "status", "company__is_local"]
    search_fields = ["company__legal_name", "company__trade_name", "=company__siret"]
    list_select_related = ["company", "edition"]
    actions = None
    list_ids_first = True  # the rank is computed for every row: sorted before the joins

    def get_queryset(self, request):
        return registrations_to_call()

    def get_ordering(self, request):
        # The queue's own order, given explicitly: an empty ordering would let the admin fall
        # back on the model's (newest registration first) and put it before the queue's.
        return call_queue_order()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:companies_registration_change", args=[object_id])
        )

    @admin.display(description=gettext_lazy("entreprise"))
    def company_link(self, obj):
        url = reverse("admin:companies_registration_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.company)

    @admin.display(description=gettext_lazy("statut"), ordering="status")
    def status_label(self, obj):
        return choice_label(RegistrationStatus, obj.status)

    @admin.display(description=gettext_lazy("téléphone"))
    def phone(self, obj):
        phone = obj.company.contact_phone
        if not phone:
            return "—"
        return format_html(
            '<a href="tel:{}">{}</a><br><small>{}</small>',
            phone.as_e164,
            phone.as_national,
            obj.company.contact_name,
        )

    @admin.display(description=gettext_lazy("dernier appel"))
    def last_call(self, obj):
        if not obj.last_call_outcome:
            return _("Jamais appelée")
        return format_html(
            "{} <small>({})</small>",
            choice_label(CallOutcome, obj.last_call_outcome),
            local(obj.last_call_at, "d/m H:i"),
        )

    @admin.display(description=gettext_lazy("rappeler le"))
    def callback(self, obj):
        if not obj.next_callback_at:
            return "—"
        label = local(obj.next_callback_at, "d/m/Y H:i")
        if obj.queue_rank == 0:
            return format_html("<strong>{}</strong> ({})", label, _("à rappeler maintenant"))
        return label
