"""The staff's list of registrations: qualification and selection.

The list's extra columns are SQL annotations
(``companies.selectors.registrations_with_staff_columns``): a constant number of queries.
The intermediate pages are in ``pages``."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin

from ellipse.core.admin import EllipseModelAdmin, ExportFiltersMixin
from ellipse.core.jobs import JobAlreadyRunning, job_create, job_url
from ellipse.core.queueing import task_enqueue_on_commit

from ..enums import CallOutcome, RegistrationStatus, SizeClass
from ..models import CallLog, Registration
from ..resources import RegistrationExportResource
from ..selectors import (
    REGISTRATIONS_STAMP,
    cpv_divisions_in_use,
    registrations_with_staff_columns,
    schedule_published,
)
from ..services.decisions import decisions_job_start, decisions_plan
from ..services.qualification import QUALIFICATION_FIELDS, call_log_record, registration_qualify
from ..services.selection import registrations_transition
from ..suggestions import registration_suggestions
from .display import SPREADSHEET_FORMATS, choice_label, local
from .filters import (
    CpvDivisionFilter,
    HasWishesFilter,
    LastCallFilter,
    MatchScoreFilter,
)
from .forms import ReasonForm
from .inlines import CallLogInline, StatusChangeInline, WishInline
from .pages import RegistrationPagesMixin


@admin.register(Registration)
class RegistrationAdmin(RegistrationPagesMixin, ExportFiltersMixin, ExportMixin, EllipseModelAdmin):
    list_display = [
        "company_link",
        "commune",
        "size_class",
        "status_label",
        "last_call",
        "wish_number",
        "best_score",
        "created_at",
    ]
    list_display_links = None
    list_filter = [
        "edition",
        "status",
        "company__size_class",
        "company__ess_status",
        "company__is_local",
        CpvDivisionFilter,
        LastCallFilter,
        "tender_capacity",
        "real_interest",
        "documents_ready",
        HasWishesFilter,
        MatchScoreFilter,
    ]
    search_fields = [
        "company__legal_name",
        "company__trade_name",
        "=company__siret",
        "company__keywords",
    ]
    list_select_related = ["company", "edition"]
    list_ids_first = True  # sorted by a column: 5,000 rows sorted before, not after, the joins
    # The count, page ids, filters and table (the template's ``{% cache %}``) are cached: a
    # page seen again reads none of its rows and renders no cell.
    list_cache_stamps = (REGISTRATIONS_STAMP,)
    list_page_cached = True  # the editions of the filter follow the stamp; CPV labels below
    autocomplete_fields = ["company"]
    inlines = [CallLogInline, StatusChangeInline, WishInline]
    readonly_fields = [
        "status",
        "status_reason",
        "qualified_by",
        "qualified_at",
        "match_score",
        "match_count",
        "match_refreshed_at",
        "suggestions",
        "status_tools",
    ]
    fieldsets = [
        (None, {"fields": ["edition", "company", "status", "status_reason", "status_tools"]}),
        (
            gettext_lazy("Qualification téléphonique"),
            {
                "fields": [
                    "tender_capacity",
                    "real_interest",
                    "documents_ready",
                    "needs",
                    "qualified_by",
                    "qualified_at",
                ]
            },
        ),
        (
            gettext_lazy("Suggestions de marchés"),
            {"fields": ["match_score", "match_count", "match_refreshed_at", "suggestions"]},
        ),
        (
            gettext_lazy("Intentions de l'entreprise"),
            {
                "classes": ["collapse"],
                "fields": [
                    "wants_cocontracting",
                    "wants_subcontracting",
                    "available_slots",
                    "workshops",
                    "training_needs",
                    "accessibility_needs",
                    "consent_at",
                ],
            },
        ),
    ]
    actions = [
        "mark_to_call",
        "mark_qualified",
        "retain",
        "put_on_waiting_list",
        "not_retain",
        "refresh_matches",
    ]
    resource_classes = [RegistrationExportResource]
    export_formats = SPREADSHEET_FORMATS
    change_list_template = "admin/companies/registration/change_list.html"

    def get_queryset(self, request):
        return registrations_with_staff_columns(super().get_queryset(request))

    def list_page_fingerprint(self, request) -> str:
        """The CPV division filter's labels: the nomenclature is imported without signals."""
        return repr(cpv_divisions_in_use())

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["edition", "company"]
        return fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a registration by the staff on a company's behalf
            return [(None, {"fields": ["edition", "company", "consent_at"]})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # Columns

    @admin.display(description=gettext_lazy("entreprise"), ordering="company__legal_name")
    def company_link(self, obj):
        url = reverse("admin:companies_registration_change", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a><br><small>{}</small>', url, obj.company, obj.company.siret
        )

    @admin.display(description=gettext_lazy("catégorie"), ordering="company__size_class")
    def size_class(self, obj):
        return choice_label(SizeClass, obj.company.size_class)

    @admin.display(description=gettext_lazy("statut"), ordering="status")
    def status_label(self, obj):
        return choice_label(RegistrationStatus, obj.status)

    @admin.display(description=gettext_lazy("commune"), ordering="company__commune")
    def commune(self, obj):
        if obj.company.is_local:
            return format_html("{} <small>({})</small>", obj.company.commune, _("Est Ensemble"))
        return obj.company.commune

    @admin.display(description=gettext_lazy("dernier appel"), ordering="last_call_at")
    def last_call(self, obj):
        if not obj.last_call_outcome:
            return "—"
        label = choice_label(CallOutcome, obj.last_call_outcome)
        if obj.next_callback_at:
            return format_html(
                "{} <small>({})</small>", label, local(obj.next_callback_at, "d/m H:i")
            )
        return label

    # Not named "wishes": the admin would sort on the reverse relation of that name (a join
    # that repeats each registration once per wish), not on this column's count.
    @admin.display(description=gettext_lazy("souhaits"), ordering="wish_count")
    def wish_number(self, obj):
        return obj.wish_count

    @admin.display(description=gettext_lazy("meilleur score"), ordering="match_score")
    def best_score(self, obj):
        if obj.match_score is None:
            return "—"
        return f"{obj.match_score:.2f} ({obj.match_count})"

    @admin.display(description=gettext_lazy("marchés suggérés"))
    def suggestions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string(
            "admin/companies/registration/_suggestions.html",
            {"suggestions": registration_suggestions(registration=obj)[:30]},
        )

    @admin.display(description=gettext_lazy("changer le statut"))
    def status_tools(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:companies_registration_transition", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Changer le statut…"))

    # Saving through the services

    def save_model(self, request, obj, form, change):
        qualification_changed = change and any(f in form.changed_data for f in QUALIFICATION_FIELDS)
        if change:
            # Only what the form edits: the columns the services keep (status, last call,
            # scores) may have moved since the page was opened.
            columns = {f.name for f in obj._meta.concrete_fields}
            obj.save(update_fields=[*(n for n in form.fields if n in columns), "updated_at"])
        else:
            super().save_model(request, obj, form, change)
        if qualification_changed:
            complete = all([obj.tender_capacity, obj.real_interest, obj.documents_ready])
            registration_qualify(
                registration=obj,
                by=request.user,
                tender_capacity=obj.tender_capacity,
                real_interest=obj.real_interest,
                documents_ready=obj.documents_ready,
                needs=obj.needs,
                mark_qualified=complete,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallLog:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for call_form in formset.forms:
            if not call_form.has_changed() or call_form.instance.pk:
                continue
            data = call_form.cleaned_data
            call = call_log_record(
                registration=form.instance,
                by=request.user,
                outcome=data["outcome"],
                callback_at=data.get("callback_at"),
                notes=data.get("notes") or "",
                called_at=data.get("called_at"),
                topics=data.get("topics") or (),
            )
            formset.new_objects.append(call)

    # Actions

    def _bulk(self, request, queryset, to_status, reason=""):
        try:
            changes = registrations_transition(
                registration_ids=list(queryset.values_list("pk", flat=True)),
                to_status=to_status,
                by=request.user,
                reason=reason,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            _("%(n)d inscription(s) passée(s) à « %(status)s ».")
            % {"n": len(changes), "status": RegistrationStatus(to_status).label},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=gettext_lazy("Mettre dans la file d'appels"), permissions=["change"])
    def mark_to_call(self, request, queryset):
        return self._bulk(request, queryset, RegistrationStatus.TO_CALL)

    @admin.action(description=gettext_lazy("Marquer qualifiées"), permissions=["change"])
    def mark_qualified(self, request, queryset):
        return self._bulk(request, queryset, RegistrationStatus.QUALIFIED)

    def _confirm_decision(self, request, queryset, to_status, action: str):
        """A decision sends one e-mail per company: say how many first, then run it as a
        background job and show its progress page."""
        if "apply" in request.POST:
            return self._start_decisions(request, queryset, to_status)
        registrations = list(queryset.select_related("company", "edition"))
        allowed, refusals = decisions_plan(registrations=registrations, to_status=to_status)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirmer : « %(status)s »")
            % {"status": RegistrationStatus(to_status).label},
            "opts": self.model._meta,
            "registrations": registrations,
            "email_count": len(allowed),
            "refusals": refusals,
            "status_label": RegistrationStatus(to_status).label,
            "late_editions": self._published_editions(allowed)
            if to_status == RegistrationStatus.RETAINED
            else [],
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/companies/registration/confirm_decision.html", context
        )

    def _start_decisions(self, request, queryset, to_status, reason: str = ""):
        """The decisions as a background job (one run per selection, guarded in the
        database); the answer is its progress page."""
        try:
            job = decisions_job_start(
                registration_ids=list(queryset.values_list("pk", flat=True)),
                to_status=to_status,
                by=request.user,
                reason=reason,
            )
        except JobAlreadyRunning as running:
            self.message_user(
                request,
                _("Ces décisions sont déjà en cours : voici leur avancement."),
                messages.WARNING,
            )
            return redirect(job_url(running.job))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        return redirect(job_url(job))

    @staticmethod
    def _published_editions(registrations) -> list:
        editions = {r.edition_id: r.edition for r in registrations}
        return [e for e in editions.values() if schedule_published(edition=e)]

    @admin.action(description=gettext_lazy("Retenir (e-mail de décision)"), permissions=["change"])
    def retain(self, request, queryset):
        return self._confirm_decision(request, queryset, RegistrationStatus.RETAINED, "retain")

    @admin.action(
        description=gettext_lazy("Mettre en liste d'attente (e-mail de décision)"),
        permissions=["change"],
    )
    def put_on_waiting_list(self, request, queryset):
        return self._confirm_decision(
            request, queryset, RegistrationStatus.WAITING_LIST, "put_on_waiting_list"
        )

    @admin.action(
        description=gettext_lazy("Ne pas retenir, avec un motif… (e-mail de décision)"),
        permissions=["change"],
    )
    def not_retain(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return self._start_decisions(
                request, queryset, RegistrationStatus.NOT_RETAINED, form.cleaned_data["reason"]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ne pas retenir %(n)d entreprise(s)") % {"n": queryset.count()},
            "opts": self.model._meta,
            "registrations": queryset.select_related("company"),
            "form": form,
            "action": "not_retain",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/companies/registration/reason.html", context)

    @admin.action(
        description=gettext_lazy("Recalculer les scores de correspondance"), permissions=["change"]
    )
    def refresh_matches(self, request, queryset):
        """A background job over the selection's editions (seconds at 5,000 companies)."""
        from ..tasks import match_refresh_job_task

        editions = sorted(set(queryset.values_list("edition_id", flat=True)))
        try:
            with transaction.atomic():
                job = job_create(
                    kind="match-refresh",
                    key="match-refresh",
                    label=_("Recalcul des scores de correspondance"),
                    by=request.user,
                    return_url=reverse("admin:companies_registration_changelist"),
                )
                task_enqueue_on_commit(match_refresh_job_task, job_id=job.pk, edition_ids=editions)
        except JobAlreadyRunning as running:
            self.message_user(
                request,
                _("Ce recalcul est déjà en cours : voici son avancement."),
                messages.WARNING,
            )
            return redirect(job_url(running.job))
        return redirect(job_url(job))
