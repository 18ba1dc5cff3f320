"""Staff pages of SPASER: DECP uploads and their reports, the register, manual figures."""

import csv

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ellipse.core.admin import EllipseModelAdmin, EllipseTabularInline
from ellipse.core.jobs import JobAlreadyRunning, job_create, job_url
from ellipse.core.models import ACTIVE_STATUSES, BackgroundJob
from ellipse.core.queueing import task_enqueue_on_commit
from ellipse.core.spreadsheets import neutralise_formula

from .models import (
    Contract,
    ContractHolder,
    DecpImport,
    DecpImportRecord,
    ImportStatus,
    ManualEntry,
)
from .tasks import DECP_JOB_KEY, decp_import_task


class DecpUploadForm(forms.ModelForm):
    class Meta:
        model = DecpImport
        fields = ["upload", "dry_run"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            raise forms.ValidationError(_("Choisissez un fichier DECP (JSON, XML ou CSV)."))
        name = upload.name.lower()
        if not name.endswith((".json", ".xml", ".csv")):
            raise forms.ValidationError(
                _("Format non reconnu : déposez un fichier .json, .xml ou .csv.")
            )
        if BackgroundJob.objects.filter(key=DECP_JOB_KEY, status__in=ACTIVE_STATUSES).exists():
            raise forms.ValidationError(
                _("Un import DECP est déjà en cours : déposez ce fichier une fois qu'il est fini.")
            )
        return upload


@admin.register(DecpImport)
class DecpImportAdmin(EllipseModelAdmin):
    """Upload a DECP file: the import runs as a background job; its page shows the progress,
    then the counts and the links to the report."""

    list_display = (
        "file_name",
        "created_at",
        "status",
        "dry_run",
        "records",
        "imported",
        "with_warnings",
        "unchanged",
        "rejected",
        "report_link",
    )
    list_filter = ("status", "dry_run")
    list_select_related = ("created_by",)
    readonly_fields = (
        "file_name",
        "status",
        "dry_run",
        "records",
        "imported",
        "with_warnings",
        "unchanged",
        "rejected",
        "error",
        "created_by",
        "created_at",
        "finished_at",
        "report_link",
    )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = DecpUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "dry_run"]
        return list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Record the run and start its background job (one DECP import at a time, guarded
        in the database); ``response_add`` then shows the job's progress page."""
        if change:
            return
        obj.file_name = obj.upload.name.rsplit("/", 1)[-1]
        obj.created_by = request.user
        try:
            job = job_create(
                kind="decp-import",
                key=DECP_JOB_KEY,
                label=_("Import DECP « %(name)s »") % {"name": obj.file_name},
                by=request.user,
                return_url=reverse("admin:spaser_decpimport_changelist"),
            )
        except JobAlreadyRunning as running:  # two uploads at the same instant
            obj.status, obj.finished_at = ImportStatus.FAILED, timezone.now()
            obj.error = _("Non lancé : un autre import DECP était en cours.")
            super().save_model(request, obj, form, change)
            request.decp_job = running.job
            messages.warning(request, _("Un import DECP est déjà en cours : voici son avancement."))
            return
        super().save_model(request, obj, form, change)
        request.decp_job = job
        task_enqueue_on_commit(decp_import_task, import_id=obj.pk, job_id=job.pk)

    def response_add(self, request, obj, post_url_continue=None):
        job = getattr(request, "decp_job", None)
        if job is not None:
            return redirect(job_url(job))
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("rapport"))
    def report_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:spaser_decpimportrecord_changelist") + f"?run__id__exact={obj.pk}",
            _("voir"),
            reverse("admin:spaser_decpimport_report", args=[obj.pk]),
            _("CSV"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/rapport.csv",
                self.admin_site.admin_view(self.report_csv),
                name="spaser_decpimport_report",
            ),
            *super().get_urls(),
        ]

    def report_csv(self, request, pk: int) -> HttpResponse:
        """Every record's outcome as CSV (id, outcome, field, messages), formulas neutralised."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        run = get_object_or_404(DecpImport, pk=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rapport-decp-{run.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["position", "identifiant", "résultat", "champ", "messages"])
        for outcome in run.outcomes.order_by("position").iterator():
            writer.writerow(
                [
                    neutralise_formula(v)
                    for v in (
                        outcome.position,
                        outcome.record_id,
                        outcome.get_outcome_display(),
                        outcome.field,
                        " | ".join(f"{m['field']} : {m['message']}" for m in outcome.messages),
                    )
                ]
            )
        return response


@admin.register(DecpImportRecord)
class DecpImportRecordAdmin(EllipseModelAdmin):
    list_display = ("run", "position", "record_id", "outcome", "field", "message", "resolved")
    list_filter = ("outcome", "resolved")
    list_select_related = ("run",)
    search_fields = ("record_id", "field")
    list_editable = ("resolved",)
    readonly_fields = ("run", "position", "record_id", "outcome", "field", "messages")

    @admin.display(description=_("message"))
    def message(self, obj):
        return obj.messages[0]["message"] if obj.messages else ""

    def has_add_permission(self, request):
        return False


class ContractHolderInline(EllipseTabularInline):
    model = ContractHolder
    extra = 0
    fields = ("identifier", "identifier_type", "company")
    readonly_fields = fields
    can_delete = False


@admin.register(Contract)
class ContractAdmin(EllipseModelAdmin):
    list_display = (
        "decp_id",
        "buyer_siret",
        "object",
        "amount_ht",
        "notified_on",
        "is_social",
        "is_environmental",
        "is_reserved",
    )
    list_filter = ("year", "kind", "is_social", "is_environmental", "is_reserved", "innovative")
    list_select_related = ("buyer",)
    search_fields = ("decp_id", "uid", "buyer_siret", "object", "holders__identifier")
    date_hierarchy = "notified_on"
    inlines = [ContractHolderInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Contract._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ManualEntry)
class ManualEntryAdmin(EllipseModelAdmin):
    """Yearly figures DECP does not carry, entered by staff with their source."""

    list_display = ("year", "indicator", "buyer", "value", "source", "author", "entered_on")
    list_filter = ("year", "indicator")
    list_select_related = ("buyer", "author")
    autocomplete_fields = ("buyer",)
    readonly_fields = ("author",)
    fields = ("year", "buyer", "indicator", "value", "source", "entered_on", "author")

    def get_changeform_initial_data(self, request):
        return {"entered_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)
