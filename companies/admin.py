"""Companies in the admin: the staff's list of registrations (qualification and selection),
the call queue, the matching pages, and the import/export of companies.

Every change of status goes through ``companies.services.selection``; calls and qualification
through ``companies.services.qualification``. The list's extra columns are SQL annotations
(``companies.selectors.registrations_with_staff_columns``): a constant number of queries.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from buyers.match_reasons import score_filter_choices, score_scale_help
from buyers.models import CpvCode
from ellipse.core.admin import EllipseModelAdmin
from ellipse.editions.models import Edition

from . import workflow
from .enums import CallOutcome, RegistrationStatus
from .models import (
    CallLog,
    CallQueueEntry,
    Company,
    CompanyMembership,
    Registration,
    StatusChange,
    Wish,
)
from .resources import CompanyResource, RegistrationExportResource
from .selectors import registrations_to_call, registrations_with_staff_columns
from .services.qualification import QUALIFICATION_FIELDS, call_log_record, registration_qualify
from .services.selection import (
    edition_retain_above,
    qualified_above,
    registration_transition,
    registrations_transition,
)
from .suggestions import DEFAULT_THRESHOLD, buyers_without_match, registration_suggestions

SPREADSHEET_FORMATS = [XLSX, CSV]


# --- Companies -------------------------------------------------------------------------------


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(ImportExportMixin, EllipseModelAdmin):
    list_display = ["legal_name", "siret", "size_class", "ess_status", "commune", "is_local"]
    list_filter = ["size_class", "ess_status", "is_local"]
    search_fields = ["legal_name", "trade_name", "siret", "keywords"]
    autocomplete_fields = ["cpv_codes"]
    inlines = [CompanyMembershipInline]
    resource_classes = [CompanyResource]
    formats = SPREADSHEET_FORMATS
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS


# --- Filters of the staff's list -------------------------------------------------------------


class CpvDivisionFilter(admin.SimpleListFilter):
    title = gettext_lazy("division CPV")
    parameter_name = "cpv_division"

    def lookups(self, request, model_admin):
        divisions = sorted(
            set(CpvCode.objects.filter(companies__isnull=False).values_list("division", flat=True))
        )
        labels = dict(
            CpvCode.objects.filter(level=2, division__in=divisions).values_list("division", "label")
        )
        return [(d, f"{d} — {labels.get(d, '')}".rstrip(" —")) for d in divisions]

    def queryset(self, request, queryset):
        if self.value():
            companies = Company.objects.filter(cpv_codes__division=self.value()).values("pk")
            return queryset.filter(company__in=companies)
        return queryset


class HasWishesFilter(admin.SimpleListFilter):
    title = gettext_lazy("souhaits de rendez-vous")
    parameter_name = "has_wishes"

    def lookups(self, request, model_admin):
        return [("yes", _("Avec souhaits")), ("no", _("Sans souhait"))]

    def queryset(self, request, queryset):
        wishes = Wish.objects.filter(registration=OuterRef("pk"))
        if self.value() == "yes":
            return queryset.filter(Exists(wishes))
        if self.value() == "no":
            return queryset.filter(~Exists(wishes))
        return queryset


class LastCallFilter(admin.SimpleListFilter):
    title = gettext_lazy("dernier appel")
    parameter_name = "last_call"

    def lookups(self, request, model_admin):
        return [("never", _("Jamais appelée")), *CallOutcome.choices]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.filter(last_call_outcome__isnull=True)
        if self.value() in CallOutcome.values:
            return queryset.filter(last_call_outcome=self.value())
        return queryset


class MatchScoreFilter(admin.SimpleListFilter):
    title = gettext_lazy("meilleur score")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [
            *score_filter_choices(),
            ("0", _("Aucune correspondance")),
            ("none", _("Pas encore calculé")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(match_score__isnull=True)
        if value == "0":
            return queryset.filter(match_score=0)
        if value in dict(score_filter_choices()):
            return queryset.filter(match_score__gte=float(value))
        return queryset


# --- Inlines ---------------------------------------------------------------------------------


class CallLogForm(forms.ModelForm):
    class Meta:
        model = CallLog
        fields = ["called_at", "outcome", "callback_at", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean(self):
        data = super().clean()
        outcome, callback_at = data.get("outcome"), data.get("callback_at")
        if outcome == CallOutcome.CALL_BACK and not callback_at:
            self.add_error("callback_at", _("Indiquez quand rappeler l'entreprise."))
        if outcome and outcome != CallOutcome.CALL_BACK and callback_at:
            self.add_error(
                "callback_at", _("Une date de rappel n'a de sens que pour « À rappeler ».")
            )
        return data


class CallLogInline(admin.TabularInline):
    """Past calls are read-only; a new call is recorded through the service."""

    model = CallLog
    form = CallLogForm
    extra = 1
    fields = ["called_at", "called_by", "outcome", "callback_at", "notes"]
    readonly_fields = ["called_by"]
    can_delete = False
    verbose_name = gettext_lazy("appel")
    verbose_name_plural = gettext_lazy("journal d'appels")

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("called_by")


class StatusChangeInline(admin.TabularInline):
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


class WishInline(admin.TabularInline):
    model = Wish
    extra = 0
    autocomplete_fields = ["organisation", "planned_contract"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "planned_contract")


# --- Forms of the intermediate pages ---------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif (envoyé à l'entreprise)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Nouveau statut"))
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=gettext_lazy("Obligatoire pour « Non retenue » ; envoyé à l'entreprise."),
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, RegistrationStatus(s).label) for s in workflow.allowed_targets(registration.status)
        ]


class ThresholdForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=gettext_lazy("Édition"), queryset=Edition.objects.order_by("-year")
    )
    threshold = forms.FloatField(
        label=gettext_lazy("Seuil de score"),
        min_value=0.05,
        max_value=1.5,
        initial=DEFAULT_THRESHOLD,
        help_text=lazy(score_scale_help, str)(),
    )


def _local(value, fmt: str) -> str:
    return date_format(timezone.localtime(value), fmt)


def _current_edition_id() -> int | None:
    edition = Edition.objects.current()
    return edition.pk if edition else None


# --- The staff's list ------------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, EllipseModelAdmin):
    list_display = [
        "company_link",
        "commune",
        "company__size_class",
        "status",
        "last_call",
        "wishes",
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

    @admin.display(description=gettext_lazy("commune"), ordering="company__commune")
    def commune(self, obj):
        if obj.company.is_local:
            return format_html("{} <small>({})</small>", obj.company.commune, _("Est Ensemble"))
        return obj.company.commune

    @admin.display(description=gettext_lazy("dernier appel"), ordering="last_call_at")
    def last_call(self, obj):
        if not obj.last_call_outcome:
            return "—"
        label = CallOutcome(obj.last_call_outcome).label
        if obj.next_callback_at:
            return format_html(
                "{} <small>({})</small>", label, _local(obj.next_callback_at, "d/m H:i")
            )
        return label

    @admin.display(description=gettext_lazy("souhaits"), ordering="wish_count")
    def wishes(self, obj):
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
        rows = registration_suggestions(registration=obj)
        if not rows:
            return _(
                "Aucun marché publié de l'édition ne correspond à ses codes CPV ni à ses mots-clés."
            )
        body = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td></tr>',
            (
                (
                    f"{s.score:.2f}",
                    s.buyer,
                    reverse("admin:buyers_plannedcontract_change", args=[s.contract.pk]),
                    f"{s.contract.reference} — {s.contract.title}",
                    " ; ".join(s.reasons),
                )
                for s in rows[:30]
            ),
        )
        return format_html(
            '<table><caption class="visually-hidden">{}</caption><thead><tr>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Marchés suggérés"),
            _("Score"),
            _("Acheteur"),
            _("Marché prévisionnel"),
            _("Raison"),
            body,
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

    @admin.action(description=gettext_lazy("Retenir (e-mail de décision)"), permissions=["change"])
    def retain(self, request, queryset):
        return self._bulk(request, queryset, RegistrationStatus.RETAINED)

    @admin.action(
        description=gettext_lazy("Mettre en liste d'attente (e-mail de décision)"),
        permissions=["change"],
    )
    def put_on_waiting_list(self, request, queryset):
        return self._bulk(request, queryset, RegistrationStatus.WAITING_LIST)

    @admin.action(
        description=gettext_lazy("Ne pas retenir, avec un motif… (e-mail de décision)"),
        permissions=["change"],
    )
    def not_retain(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return self._bulk(
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
        """A background task per edition: at 5,000 companies this takes seconds."""
        from .tasks import edition_refresh_matches_task

        editions = sorted(set(queryset.values_list("edition_id", flat=True)))
        for edition_id in editions:
            transaction.on_commit(
                lambda edition_id=edition_id: edition_refresh_matches_task.delay(
                    edition_id=edition_id
                )
            )
        self.message_user(
            request,
            _(
                "Recalcul des scores lancé en arrière-plan pour %(n)d édition(s) : "
                "rechargez la liste dans quelques secondes."
            )
            % {"n": len(editions)},
            messages.SUCCESS,
        )

    # Extra pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:pk>/statut/",
                wrap(self.transition_view),
                name="companies_registration_transition",
            ),
            path(
                "retenir-au-dessus-du-seuil/",
                wrap(self.retain_above_view),
                name="companies_registration_retain_above",
            ),
            path(
                "acheteurs-sans-entreprise/",
                wrap(self.buyers_gap_view),
                name="companies_registration_buyers_gap",
            ),
        ]
        return [*own, *super().get_urls()]

    def transition_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        registration = get_object_or_404(
            Registration.objects.select_related("company", "edition"), pk=pk
        )
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, registration=registration)
        if request.method == "POST" and form.is_valid():
            try:
                change = registration_transition(
                    registration=registration,
                    to_status=form.cleaned_data["to_status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _("%(company)s : « %(from)s » → « %(to)s ».")
                    % {
                        "company": registration.company,
                        "from": change.get_from_status_display(),
                        "to": change.get_to_status_display(),
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:companies_registration_change", registration.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changer le statut de %(company)s") % {"company": registration.company},
            "opts": self.model._meta,
            "original": registration,
            "form": form,
        }
        return TemplateResponse(request, "admin/companies/registration/transition.html", context)

    def retain_above_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else (request.GET or None)
        form = ThresholdForm(
            data, initial={"edition": _current_edition_id(), "threshold": DEFAULT_THRESHOLD}
        )
        candidates = None
        if form.is_bound and form.is_valid():
            edition, threshold = form.cleaned_data["edition"], form.cleaned_data["threshold"]
            if request.method == "POST" and "apply" in request.POST:
                try:
                    changes = edition_retain_above(
                        edition=edition, threshold=threshold, by=request.user
                    )
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(n)d entreprise(s) qualifiée(s) retenue(s) (score ≥ %(t)s).")
                        % {"n": len(changes), "t": threshold},
                        messages.SUCCESS,
                    )
                    return redirect(
                        reverse("admin:companies_registration_changelist")
                        + f"?edition__id__exact={edition.pk}&status__exact=retained"
                    )
            candidates = qualified_above(edition=edition, threshold=threshold)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retenir les entreprises qualifiées au-dessus d'un score"),
            "opts": self.model._meta,
            "form": form,
            "candidates": candidates,
        }
        return TemplateResponse(request, "admin/companies/registration/retain_above.html", context)

    def buyers_gap_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ThresholdForm(
            request.GET or None,
            initial={"edition": _current_edition_id(), "threshold": DEFAULT_THRESHOLD},
        )
        gaps = None
        if not form.is_bound:
            edition = Edition.objects.current()
            threshold = DEFAULT_THRESHOLD
        elif form.is_valid():
            edition, threshold = form.cleaned_data["edition"], form.cleaned_data["threshold"]
        else:
            edition = None
        if edition is not None:
            gaps = buyers_without_match(edition=edition, threshold=threshold)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Acheteurs sans entreprise correspondante"),
            "opts": self.model._meta,
            "form": form,
            "gaps": gaps,
            "edition": edition,
        }
        return TemplateResponse(request, "admin/companies/registration/buyers_gap.html", context)


# --- The call queue --------------------------------------------------------------------------


@admin.register(CallQueueEntry)
class CallQueueAdmin(EllipseModelAdmin):
    """Registrations still to qualify: callbacks due first, then by registration date."""

    list_display = [
        "company_link",
        "phone",
        "status",
        "last_call",
        "callback",
        "created_at",
    ]
    list_display_links = None
    list_filter = ["edition", "status", "company__is_local"]
    search_fields = ["company__legal_name", "company__trade_name", "=company__siret"]
    list_select_related = ["company", "edition"]
    actions = None

    def get_queryset(self, request):
        return registrations_to_call()

    def get_ordering(self, request):
        return []  # the queue's own order (registrations_to_call)

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
            CallOutcome(obj.last_call_outcome).label,
            _local(obj.last_call_at, "d/m H:i"),
        )

    @admin.display(description=gettext_lazy("rappeler le"))
    def callback(self, obj):
        if not obj.next_callback_at:
            return "—"
        label = _local(obj.next_callback_at, "d/m/Y H:i")
        if obj.queue_rank == 0:
            return format_html("<strong>{}</strong> ({})", label, _("à rappeler maintenant"))
        return label
