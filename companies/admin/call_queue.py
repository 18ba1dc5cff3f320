"""The call queue: registrations still to qualify, callbacks due first."""

from django.contrib import admin
from django.core.cache import cache
from django.db.models import Min
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.core.admin import LIST_CACHE_SECONDS, EllipseModelAdmin
from ellipse.core.stamps import stamp

from ..enums import CallOutcome, RegistrationStatus
from ..models import CallQueueEntry
from ..selectors import REGISTRATIONS_STAMP, call_queue_order, registrations_to_call
from .display import choice_label, local


def next_callback_due(now, data_stamp: str | None = None) -> str:
    """The next moment after ``now`` a callback of the queue falls due (ISO), or "none": until
    then every registration keeps its rank (``registrations_to_call``), so the queue's page is a
    function of the data (its stamp) and of this moment. Read from the cache under the stamp,
    recomputed once it has passed. ``data_stamp``: the stamp of registrations, if read."""
    key = f"companies.call_queue.next_due:{data_stamp or stamp(REGISTRATIONS_STAMP)}"
    found = cache.get(key)  # (due or None,)
    if found is None or (found[0] is not None and now >= found[0]):
        due = (
            registrations_to_call(now=now)
            .filter(queue_rank=2)
            .aggregate(next_due=Min("next_callback_at"))["next_due"]
        )
        found = (due,)
        cache.set(key, found, LIST_CACHE_SECONDS)
    return found[0].isoformat() if found[0] else "none"


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
    # Count, page ids, rows and filters cached under the registrations' stamp and the next
    # callback to fall due (the ranks change then, with no write).
    list_cache_stamps = (REGISTRATIONS_STAMP,)
    list_page_cached = True  # its filters: editions (under the stamp), statuses, a boolean

    def list_cache_version(self, request) -> str:
        request.ellipse_now = timezone.now()  # the page's ranks are computed at this moment
        return next_callback_due(request.ellipse_now, request.ellipse_list_stamp)

    def get_queryset(self, request):
        return registrations_to_call(now=getattr(request, "ellipse_now", None))

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
