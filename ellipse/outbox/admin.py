"""The outbox in the admin: the e-mails with filters, per-batch counters that refresh while a
batch runs, retry and resend actions, and a preview of every registered template."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.core.admin import EllipseModelAdmin

from .enums import EmailStatus
from .models import EmailOptOut, OutgoingEmail
from .registry import COMMON_PLACEHOLDERS, registry
from .services import batch_counters, email_render, email_resend, email_retry


class BatchFilter(admin.SimpleListFilter):
    title = gettext_lazy("lot")
    parameter_name = "batch"

    def lookups(self, request, model_admin):
        batches = (
            OutgoingEmail.objects.exclude(batch="")
            .order_by("batch")
            .values_list("batch", flat=True)
            .distinct()
        )
        return [(b, b) for b in batches[:200]]

    def queryset(self, request, queryset):
        return queryset.filter(batch=self.value()) if self.value() else queryset


class TemplateFilter(admin.SimpleListFilter):
    """By kind of e-mail, named as the registry names it (not « companies/decision »)."""

    title = gettext_lazy("modèle")
    parameter_name = "modele"

    def lookups(self, request, model_admin):
        return sorted(((name, str(t.label)) for name, t in registry().items()), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(template=self.value()) if self.value() else queryset


def template_label(name: str) -> str:
    entry = registry().get(name)
    return str(entry.label) if entry else name


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(EllipseModelAdmin):
    list_display = [
        "to",
        "subject_or_template",
        "batch",
        "category",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "category", TemplateFilter, BatchFilter]
    search_fields = ["to", "subject", "batch"]
    list_select_related = ["recipient"]
    actions = ["retry_failed", "resend"]
    readonly_fields = [
        "to",
        "recipient",
        "template_name",
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
        "sending_started_at",
        "sent_at",
        "resend_of",
    ]
    change_list_template = "admin/outbox/outgoingemail/change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("objet"))
    def subject_or_template(self, obj):
        return obj.subject or template_label(obj.template)

    @admin.display(description=gettext_lazy("modèle"))
    def template_name(self, obj):
        return template_label(obj.template)

    @admin.action(description=gettext_lazy("Réessayer les envois en échec sélectionnés"))
    def retry_failed(self, request, queryset):
        count = email_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)d e-mail(s) en échec remis dans la file.") % {"n": count})

    @admin.action(description=gettext_lazy("Renvoyer (nouvel envoi délibéré)"))
    def resend(self, request, queryset):
        copies = email_resend(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)d e-mail(s) renvoyé(s).") % {"n": len(copies)})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("lots/", wrap(self.batches_view), name="outbox_batches"),
            path("lots.json", wrap(self.batches_json), name="outbox_batches_json"),
            path("lots/reessayer/", wrap(self.batch_retry_view), name="outbox_batch_retry"),
            path("modeles/", wrap(self.preview_view), name="outbox_preview"),
        ]
        return urls + super().get_urls()

    def _check_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied

    def batches_view(self, request: HttpRequest) -> HttpResponse:
        self._check_view(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lots d’e-mails"),
            "opts": self.model._meta,
            "rows": batch_counters(),
            "statuses": list(EmailStatus),
            "changelist_url": reverse("admin:outbox_outgoingemail_changelist"),
            "json_url": reverse("admin:outbox_batches_json"),
        }
        return TemplateResponse(request, "admin/outbox/batches.html", context)

    def batches_json(self, request: HttpRequest) -> JsonResponse:
        self._check_view(request)
        batches = request.GET.getlist("batch") or None
        return JsonResponse({"batches": batch_counters(batches=batches)})

    def batch_retry_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:outbox_batches")
        batch = request.POST.get("batch", "")
        ids = list(
            OutgoingEmail.objects.filter(batch=batch, status=EmailStatus.FAILED).values_list(
                "pk", flat=True
            )
        )
        count = email_retry(email_ids=ids)
        messages.success(
            request,
            _("Lot %(batch)s : %(n)d e-mail(s) en échec remis dans la file.")
            % {"batch": batch, "n": count},
        )
        return redirect("admin:outbox_batches")

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        self._check_view(request)
        templates = registry()
        name = request.GET.get("template") or next(iter(templates))
        ref = request.GET.get("ref", "").strip()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Aperçu des modèles d’e-mails"),
            "opts": self.model._meta,
            "templates": templates.values(),
            "selected": templates.get(name),
            "ref": ref,
            "common_placeholders": COMMON_PLACEHOLDERS,
            "error": "",
            "preview": None,
        }
        spec = templates.get(name)
        if spec is None:
            context["error"] = _("Modèle inconnu : %(name)s.") % {"name": name}
        elif spec.sample is not None:
            try:
                sample = spec.sample(ref)
            except Exception as exc:  # a French message, never a 500
                context["error"] = str(exc) or type(exc).__name__
            else:
                email = OutgoingEmail(
                    to="apercu@exemple.fr", template=name, context=sample, category=spec.category
                )
                subject, text, html = email_render(email)
                context["preview"] = {"subject": subject, "text": text, "html": html}
        return TemplateResponse(request, "admin/outbox/preview.html", context)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(EllipseModelAdmin):
    list_display = ["email", "category", "created_at"]
    list_filter = ["category"]
    search_fields = ["email"]
