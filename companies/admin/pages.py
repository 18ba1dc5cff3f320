"""The intermediate pages of the registrations' admin: one status change with its reason,
retaining every qualified company above a score (a background job with its e-mails), and the
buyers no company matches."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from ellipse.editions.models import Edition

from ..enums import RegistrationStatus
from ..models import Registration
from ..selectors import qualified_above, schedule_published
from ..services.selection import registration_transition
from ..suggestions import DEFAULT_THRESHOLD, buyers_without_match
from .display import current_edition_id, schedule_published_warning
from .forms import ThresholdForm, TransitionForm


class RegistrationPagesMixin:
    """Extra admin pages of ``RegistrationAdmin`` (URLs under its change list)."""

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
                if change.to_status == RegistrationStatus.RETAINED and schedule_published(
                    edition=registration.edition
                ):
                    self.message_user(
                        request,
                        schedule_published_warning(registration.edition),
                        messages.WARNING,
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
            data, initial={"edition": current_edition_id(), "threshold": DEFAULT_THRESHOLD}
        )
        candidates = None
        if form.is_bound and form.is_valid():
            edition, threshold = form.cleaned_data["edition"], form.cleaned_data["threshold"]
            if request.method == "POST" and "apply" in request.POST:
                ids = [r.pk for r in qualified_above(edition=edition, threshold=threshold)]
                if ids:
                    return self._start_decisions(
                        request,
                        Registration.objects.filter(pk__in=ids),
                        RegistrationStatus.RETAINED,
                    )
                self.message_user(
                    request, _("Aucune entreprise qualifiée au-dessus de ce seuil."), messages.INFO
                )
            candidates = qualified_above(edition=edition, threshold=threshold)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retenir les entreprises qualifiées au-dessus d'un score"),
            "opts": self.model._meta,
            "form": form,
            "candidates": candidates,
            "late_edition": edition if candidates and schedule_published(edition=edition) else None,
        }
        return TemplateResponse(request, "admin/companies/registration/retain_above.html", context)

    def buyers_gap_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ThresholdForm(
            request.GET or None,
            initial={"edition": current_edition_id(), "threshold": DEFAULT_THRESHOLD},
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
