from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.core.admin import EllipseModelAdmin, EllipseTabularInline
from ellipse.core.params import year_param

from . import services
from .forms import InvitationForm
from .models import (
    BuyerMembership,
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
    PlannedContractLot,
)
from .views import CONTENT_TYPES, _download, import_preview_or_confirm


class AccentInsensitiveSearchMixin:
    """The admin's search ignores accents (and case): « creches » finds « Crèches ». Fields
    given with a prefix (``=``, ``^``, ``@``) are kept as they are."""

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        return [
            field if field[:1] in "=^@" else f"{field}__unaccent__icontains" for field in fields
        ]


@admin.register(CpvCode)
class CpvCodeAdmin(AccentInsensitiveSearchMixin, EllipseModelAdmin):
    list_display = ["code", "check_digit", "label", "level", "division"]
    list_filter = ["level"]
    search_fields = ["code", "label"]


class BuyerMembershipInline(EllipseTabularInline):
    model = BuyerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(BuyerOrganisation)
class BuyerOrganisationAdmin(AccentInsensitiveSearchMixin, EllipseModelAdmin):
    list_display = ["name", "kind", "siret", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "siret"]
    inlines = [BuyerMembershipInline]
    actions = ["export_forecasts_xlsx"]
    change_form_template = "admin/buyers/buyerorganisation/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="buyers_buyerorganisation_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request, pk):
        """Staff invite a buyer user of this organisation (e-mail with a password link)."""
        organisation = get_object_or_404(BuyerOrganisation, pk=pk)
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.buyer_invite(
                    organisation=organisation, invited_by=None, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if user is None:  # staff may know: the person has an account elsewhere
                    messages.warning(
                        request,
                        _(
                            "%(email)s a déjà un compte (entreprise, équipe ou autre acheteur) : "
                            "la personne est prévenue par e-mail ; rattachez son compte à "
                            "l'organisation depuis l'administration des comptes."
                        )
                        % {"email": form.cleaned_data["email"]},
                    )
                else:
                    messages.success(
                        request, _("Invitation envoyée à %(email)s.") % {"email": user.email}
                    )
                return redirect("admin:buyers_buyerorganisation_change", organisation.pk)
        return render(
            request,
            "admin/buyers/invite.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "organisation": organisation,
                "form": form,
                "title": _("Inviter un acheteur — %(name)s") % {"name": organisation.name},
            },
        )

    @admin.action(description=gettext_lazy("Exporter leurs prévisions (XLSX)"))
    def export_forecasts_xlsx(self, request, queryset):
        content = services.forecast_export(
            queryset=PlannedContract.objects.filter(organisation__in=queryset), file_format="xlsx"
        )
        return _download(content, filename="previsions.xlsx", file_format="xlsx")


class LotInline(EllipseTabularInline):
    model = PlannedContractLot
    extra = 0
    autocomplete_fields = ["cpv"]


@admin.register(PlannedContract)
class PlannedContractAdmin(AccentInsensitiveSearchMixin, EllipseModelAdmin):
    list_display = [
        "reference",
        "title",
        "organisation",
        "year",
        "cpv_main",
        "estimated_amount",
        "publication_quarter",
        "status",
        "visibility",
    ]
    list_filter = ["year", "status", "visibility", "reservation", "social_clause", "organisation"]
    search_fields = ["reference", "title", "description", "organisation__name"]
    list_select_related = ["organisation", "cpv_main"]
    autocomplete_fields = ["organisation", "cpv_main", "cpv_extra"]
    inlines = [LotInline]
    actions = ["export_xlsx", "export_csv"]
    change_list_template = "admin/buyers/plannedcontract/change_list.html"

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="buyers_plannedcontract_import",
            ),
            path(
                "exporter.<str:file_format>",
                self.admin_site.admin_view(self.export_all_view),
                name="buyers_plannedcontract_export",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The same upload, preview and confirmation as the buyer's space, any organisation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        url = reverse("admin:buyers_plannedcontract_import")
        return import_preview_or_confirm(
            request,
            organisation_for=None,
            template="admin/buyers/import.html",
            extra={
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Importer des prévisions"),
                "done_url": reverse("admin:buyers_plannedcontract_changelist"),
            },
            confirm_url=url,
        )

    def export_all_view(self, request, file_format):
        if file_format not in CONTENT_TYPES or not self.has_view_permission(request):
            raise PermissionDenied
        qs = PlannedContract.objects.all()
        year = year_param(request, "year")
        if year is not None:
            qs = qs.filter(year=year)
        content = services.forecast_export(queryset=qs, file_format=file_format)
        return _download(content, filename=f"previsions.{file_format}", file_format=file_format)

    @admin.action(description=gettext_lazy("Exporter la sélection (XLSX)"))
    def export_xlsx(self, request, queryset):
        content = services.forecast_export(queryset=queryset, file_format="xlsx")
        return _download(content, filename="previsions.xlsx", file_format="xlsx")

    @admin.action(description=gettext_lazy("Exporter la sélection (CSV)"))
    def export_csv(self, request, queryset):
        content = services.forecast_export(queryset=queryset, file_format="csv")
        return _download(content, filename="previsions.csv", file_format="csv")


@admin.register(BuyerParticipation)
class BuyerParticipationAdmin(EllipseModelAdmin):
    list_display = ["organisation", "edition", "max_meetings", "table"]
    list_filter = ["edition"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "edition"]
    autocomplete_fields = ["organisation"]
    list_editable = ["table"]
