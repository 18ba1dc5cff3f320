"""Staff manage topics, sessions (copy to a new date, targeted invitations, fill from the waiting
list, certificates), participants and the import of earlier years' attendance."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from companies.models import Topic
from ellipse.core.admin import EllipseModelAdmin, EllipseTabularInline

from . import services, services_pairing
from .models import Pairing, Participant, PastAttendance, Session, SurveyAnswer
from .resources import PastAttendanceResource
from .selectors import invitation_recipients, targeted_companies


@admin.register(Topic)
class TopicAdmin(EllipseModelAdmin):
    list_display = ("name", "keywords", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "keywords")


class ParticipantInline(EllipseTabularInline):
    model = Participant
    extra = 0
    fields = ("name", "email", "kind", "company", "status", "seat_number", "attendance")
    readonly_fields = ("status", "seat_number")
    raw_id_fields = ("company", "buyer_organisation")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "session")


class CopyForm(forms.Form):
    starts_at = forms.SplitDateTimeField(
        label=gettext_lazy("Nouvelle date de début"),
        widget=forms.SplitDateTimeWidget(date_attrs={"type": "date"}, time_attrs={"type": "time"}),
    )


@admin.register(Session)
class SessionAdmin(EllipseModelAdmin):
    list_display = (
        "title",
        "topic",
        "starts_at",
        "audience",
        "capacity",
        "seats_taken",
        "waiting_count",
        "links",
    )
    list_filter = ("audience", "topic", "edition")
    search_fields = ("title", "trainer", "topic__name")
    date_hierarchy = "starts_at"
    list_select_related = ("topic", "edition")
    autocomplete_fields = ("topic",)
    inlines = [ParticipantInline]
    actions = ["copy_to_date", "invite_targeted", "fill_from_waiting_list", "send_certificates"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=gettext_lazy("places prises"), ordering="seats_taken")
    def seats_taken(self, obj):
        return obj.seats_taken

    @admin.display(description=gettext_lazy("en attente"), ordering="waiting_count")
    def waiting_count(self, obj):
        return obj.waiting_count

    @admin.display(description=gettext_lazy("pages"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("trainings:attendance", args=[obj.pk]),
            _("présences"),
            reverse("trainings:sign_in_sheet", args=[obj.pk]),
            _("feuille d'émargement"),
        )

    @admin.action(description=gettext_lazy("Copier à une nouvelle date"), permissions=["add"])
    def copy_to_date(self, request, queryset):
        form = CopyForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            copies = [
                services.session_copy(session_id=s.pk, starts_at=form.cleaned_data["starts_at"])
                for s in queryset
            ]
            self.message_user(
                request,
                _("%(n)d session(s) copiée(s) au %(date)s.")
                % {"n": len(copies), "date": form.cleaned_data["starts_at"].strftime("%d/%m/%Y")},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/trainings/session/copy.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Copier à une nouvelle date"),
                "opts": self.model._meta,
                "sessions": queryset,
                "form": form,
                "action": "copy_to_date",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description=gettext_lazy("Inviter les entreprises intéressées par le thème"),
        permissions=["change"],
    )
    def invite_targeted(self, request, queryset):
        sessions = list(queryset.select_related("topic"))
        if "apply" in request.POST:
            sent = sum(services.session_invite(session_id=s.pk, company_ids=None) for s in sessions)
            self.message_user(
                request, _("%(n)d invitation(s) envoyée(s).") % {"n": sent}, messages.SUCCESS
            )
            return None
        rows = [
            {
                "session": s,
                "companies": list(targeted_companies(session=s)[:200]),
                "count": len(invitation_recipients(session=s)),
            }
            for s in sessions
        ]
        return TemplateResponse(
            request,
            "admin/trainings/session/invite.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Invitations ciblées"),
                "opts": self.model._meta,
                "rows": rows,
                "total": sum(r["count"] for r in rows),
                "sessions": sessions,
                "action": "invite_targeted",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description=gettext_lazy("Proposer les places libres à la liste d'attente"),
        permissions=["change"],
    )
    def fill_from_waiting_list(self, request, queryset):
        offered = sum(len(services.session_fill(session_id=s.pk)) for s in queryset)
        self.message_user(
            request, _("%(n)d place(s) proposée(s).") % {"n": offered}, messages.SUCCESS
        )

    @admin.action(
        description=gettext_lazy("Envoyer attestations et questionnaire aux présents"),
        permissions=["change"],
    )
    def send_certificates(self, request, queryset):
        sent = sum(services.certificates_send(session_id=s.pk) for s in queryset)
        self.message_user(request, _("%(n)d e-mail(s) envoyé(s).") % {"n": sent}, messages.SUCCESS)


@admin.register(Participant)
class ParticipantAdmin(EllipseModelAdmin):
    list_display = ("name", "email", "session", "organisation", "status", "attendance")
    list_filter = ("status", "attendance", "kind")
    search_fields = ("name", "email", "company__legal_name", "session__title")
    list_select_related = ("session", "company", "buyer_organisation")
    raw_id_fields = ("session", "company", "buyer_organisation", "registered_by")
    readonly_fields = ("status", "seat_number", "waiting_since", "offer_expires_at")
    actions = ["cancel"]

    @admin.display(description=gettext_lazy("organisation"))
    def organisation(self, obj):
        return obj.organisation_name

    @admin.action(description=gettext_lazy("Annuler l'inscription"), permissions=["change"])
    def cancel(self, request, queryset):
        done = 0
        for participant in queryset:
            try:
                services.participant_cancel(participant_id=participant.pk)
                done += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        self.message_user(request, _("%(n)d inscription(s) annulée(s).") % {"n": done})


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(EllipseModelAdmin):
    list_display = ("participant", "rating", "useful", "answered_at")
    list_select_related = ("participant__session",)
    list_filter = ("rating", "useful")


@admin.register(PastAttendance)
class PastAttendanceAdmin(ImportMixin, EllipseModelAdmin):
    resource_classes = [PastAttendanceResource]
    formats = [CSV, XLSX]
    list_display = ("year", "session_date", "topic_label", "company_name", "person_name", "company")
    list_filter = ("year",)
    search_fields = ("company_name", "siret", "person_name")
    list_select_related = ("company",)
    raw_id_fields = ("company",)


@admin.register(Pairing)
class PairingAdmin(EllipseModelAdmin):
    """Review the proposed pairings: change the table, publish or reject."""

    list_display = ("__str__", "edition", "planned_contract", "score", "table", "status")
    list_editable = ("table",)
    list_filter = ("edition", "status")
    list_select_related = ("edition", "company_a", "company_b", "planned_contract")
    search_fields = ("company_a__legal_name", "company_b__legal_name")
    raw_id_fields = ("company_a", "company_b", "planned_contract")
    actions = ["publish", "reject"]

    @admin.action(
        description=gettext_lazy("Publier (les entreprises les voient)"), permissions=["change"]
    )
    def publish(self, request, queryset):
        n = services_pairing.pairings_publish(
            pairing_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(request, _("%(n)d binôme(s) publié(s).") % {"n": n}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Écarter"), permissions=["change"])
    def reject(self, request, queryset):
        n = services_pairing.pairings_reject(
            pairing_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(request, _("%(n)d binôme(s) écarté(s).") % {"n": n}, messages.SUCCESS)
