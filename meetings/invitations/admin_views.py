"""Admin page "Invitations": send the invitations of an edition, follow the batch.

Mounted by the generated documents' admin (``admin:invitations_send``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ellipse.editions.models import Edition
from ellipse.outbox.services import batch_counters
from meetings.services import schedule_is_published

from .services import (
    InvitationError,
    invitation_batch,
    invitation_recipients,
    invitations_send,
    schedule_changes_notify,
)


def invitations_view(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=request.POST.get("edition"))
        if request.POST.get("action") == "changes":
            result = schedule_changes_notify(edition=edition)
            messages.success(
                request,
                _("Changements de planning : %(n)d e-mail(s) de notification.")
                % {"n": result.created},
            )
            return redirect("admin:invitations_send")
        resend = request.POST.get("action") == "resend"
        if resend and request.POST.get("confirm") != "yes":
            messages.error(
                request,
                _("Pour renvoyer à tout le monde, cochez la case de confirmation."),
            )
            return redirect("admin:invitations_send")
        try:
            result = invitations_send(edition=edition, resend=resend)
        except InvitationError as exc:
            messages.error(request, str(exc))
            return redirect("admin:invitations_send")
        messages.success(
            request,
            _(
                "Invitations %(year)s : %(created)d nouvel(s) envoi(s), %(queued)d dans la file, "
                "%(sent)d déjà envoyée(s) (non renvoyées)."
            )
            % {
                "year": edition.year,
                "created": result.created,
                "queued": result.queued,
                "sent": result.already_sent,
            },
        )
        if result.without_address:
            messages.warning(
                request,
                _("Sans adresse à qui écrire : %(names)s.")
                % {"names": ", ".join(result.without_address)},
            )
        return redirect("admin:invitations_send")
    editions = list(Edition.objects.order_by("-year")[:10])
    counters = {
        row["batch"]: row for row in batch_counters(batches=[invitation_batch(e) for e in editions])
    }
    rows = []
    for edition in editions:
        published = schedule_is_published(edition)
        recipients = missing = None
        if published:
            found, missing = invitation_recipients(edition=edition)
            recipients = len(found)
        rows.append(
            {
                "edition": edition,
                "published": published,
                "recipients": recipients,
                "missing": missing or [],
                "batch": invitation_batch(edition),
                "counters": counters.get(invitation_batch(edition)),
                "booklet_url": reverse("invitations:booklet_pdf", args=[edition.year]),
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Invitations et agendas"),
        "opts": model_admin.model._meta,
        "rows": rows,
        "batches_url": reverse("admin:outbox_batches"),
        "changelist_url": reverse("admin:invitations_generateddocument_changelist"),
    }
    return TemplateResponse(request, "admin/invitations/send.html", context)
